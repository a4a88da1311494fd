#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# axvcpu on a distribution kernel: Debian's stock linux-image-amd64 (6.1,
# the kernel linux-headers-amd64 stands for) booted under Bochs, the
# module built against its headers and loaded with insmod next to the
# distribution's own kvm_intel, then the device-level and x86 guest
# selftests. No KUnit (the stock kernel has none). Judged by
# testing/vm.py like the test boots; ends with an AXV-RESULT line.
#
# usage: testing/stock.sh
set -euo pipefail
. "$(dirname "$0")/lib.sh"
axv_arch_vars x86_64
"$AXV_TOP/testing/deps.sh"
axv_stock_vars
KSRC=$(axv_ksrc)
IMG=$(axv_stock_image)
OUT=${AXV_OUT:-$AXV_TOP/.out}/stock
rm -rf "$OUT"; mkdir -p "$OUT"

log "building axvcpu.ko for $STOCK_VER"
M=$OUT/mod; mkdir -p "$M"
cp -r "$AXV_TOP"/{Kbuild,src,arch,include} "$M"/
make -s -C "$STOCK_HDR" M="$M" modules

R=$OUT/root
axv_userspace "$R" "$KSRC"
cp "$M/axvcpu.ko" "$IMG"/*.ko "$R/modules/"
# KVM first (kvm needs irqbypass, kvm-intel needs kvm): on 6.1 it turns
# VMX on only while a KVM VM exists, as axvcpu does.
printf '%s\n' irqbypass.ko kvm.ko kvm-intel.ko axvcpu.ko > "$R/modules/order"
axv_cpio "$R" "$OUT/initrd.cpio"

# Bochs decompresses the 8 MB bzImage for ~90 s before the kernel starts.
log "booting Debian's $STOCK_VER ($STOCK_PKGVER) under Bochs"
axv_bochs "$OUT" "$IMG/vmlinuz" "$OUT/initrd.cpio" \
	"console=$CONSOLE panic=-1 log_buf_len=4M axmode=test"
exec "$AXV_TOP/testing/vm.py" --log "$OUT/console-test.log" --mode test \
	--timeout "${AXV_TIMEOUT:-1500}" --serial "$BOCHS_SERIAL" -- "${BOCHS[@]}"
