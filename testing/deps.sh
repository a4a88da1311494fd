#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Install the Debian 12 packages the harness needs, if any are missing,
# without recommended packages: every tool a script, kbuild, kunit.py,
# checkpatch, sparse, the emulators or the initramfs packing call comes
# from a package named here (testing/fresh.sh proves it on a minimal
# root). With arguments, install those packages instead.
#
# usage: testing/deps.sh [PKG...]
set -euo pipefail
# Toolchains and kbuild (rsync: headers_install; cpio: initramfs and
# kheaders; kmod: depmod and modprobe; bc, flex, bison, libelf, libssl:
# the build; dkms: the DKMS build and install testing/stock.sh boots).
PKGS="make gcc libc6-dev flex bison bc libelf-dev libssl-dev cpio kmod python3 dkms
 rsync xz-utils linux-source-6.12 gcc-riscv64-linux-gnu libc6-dev-riscv64-cross
 gcc-aarch64-linux-gnu libc6-dev-arm64-cross sparse git perl
 linux-headers-amd64
 qemu-system-misc qemu-system-arm qemu-system-data opensbi
 bochs bochs-term bochsbios vgabios isolinux syslinux-common xorriso bsdutils"
[ $# = 0 ] || PKGS="$*"
missing=$(for p in $PKGS; do dpkg -s "$p" >/dev/null 2>&1 || echo "$p"; done)
[ -z "$missing" ] && exit 0
SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
echo "installing:" $missing >&2
$SUDO apt-get update -q >&2
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing >&2
