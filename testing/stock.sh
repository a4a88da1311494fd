#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# axvcpu on a distribution kernel, installed as a user installs it:
# Debian's stock linux-image-amd64 (6.1, the kernel linux-headers-amd64
# stands for) booted under Bochs, with axvcpu.ko built and installed by
# DKMS against its headers (dkms add, build, install in a scratch DKMS
# tree), depmod run on the initramfs's /lib/modules, the udev rule
# installed by make udev_install, and Debian's systemd-udevd running.
# The init loads the distribution's kvm_intel and then axvcpu with
# modprobe, lets udev settle, and runs testing/install_test.c (where
# modprobe found the module, /dev/axvcpu's group and mode), then the
# device-level and x86 guest selftests. No KUnit (the stock kernel has
# none). Judged by testing/vm.py like the test boots; ends with an
# AXV-RESULT line.
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

# The source as DKMS takes it: what the module's build and install need.
SRC=$OUT/src; mkdir -p "$SRC"
cp -r "$AXV_TOP"/{Kbuild,Makefile,dkms.conf,src,arch,include,udev} "$SRC"/
ver=$(make -s -C "$SRC" version)
log "DKMS: add, build and install axvcpu $ver for $STOCK_VER (scratch tree $OUT/dkms)"
D=$OUT/dkms
mkdir -p "$D/tree" "$D/source" "$D/install/$STOCK_VER"
sudo=; [ "$(id -u)" = 0 ] || sudo=sudo
# Its module signing key in the scratch tree too, not in /var/lib/dkms
# (dkms signs when openssl is there; the stock kernel, without the key,
# loads the module either way, as an unsigned one). depmod runs below,
# on the initramfs.
dkms=($sudo env mok_signing_key="$D/mok.key" mok_certificate="$D/mok.pub"
      dkms --dkmstree "$D/tree" --sourcetree "$D/source" --installtree "$D/install"
      -k "$STOCK_VER" --kernelsourcedir "$STOCK_HDR")
ok=1
{ "${dkms[@]}" add "$SRC" && "${dkms[@]}" build "axvcpu/$ver" &&
  "${dkms[@]}" --no-depmod install "axvcpu/$ver"; } > "$OUT/dkms.log" 2>&1 || ok=0
# The scratch tree the caller's again, so that the next run can remove it.
[ -z "$sudo" ] || $sudo chown -R "$(id -u):$(id -g)" "$D"
if [ $ok = 0 ]; then
	tail -30 "$OUT/dkms.log" >&2
	cat "$D/tree/axvcpu/$ver/build/make.log" >&2 2>/dev/null || true
	die "DKMS failed (log: $OUT/dkms.log)"
fi
KO=$D/install/$STOCK_VER/updates/dkms/axvcpu.ko
[ -f "$KO" ] || die "DKMS installed no $KO"

R=$OUT/root
axv_userspace "$R" "$KSRC"
# For init.c's last step, power-off under running vCPUs.
make -s -C "$AXV_TOP/vmm" OUTPUT="$R/bin" "$R/bin/spin"
"${CROSS}gcc" -static -O2 -Wall -o "$R/selftests/install_test" "$AXV_TOP/testing/install_test.c"
# /lib/modules/<release> as on an installed system: the distribution's
# modules under kernel/, axvcpu.ko where DKMS put it, depmod's index.
L=$R/lib/modules/$STOCK_VER
install -D -m 0644 "$KO" "$L/updates/dkms/axvcpu.ko"
install -D -m 0644 "$IMG/irqbypass.ko" "$L/kernel/virt/lib/irqbypass.ko"
install -D -m 0644 "$IMG/kvm.ko" "$L/kernel/arch/x86/kvm/kvm.ko"
install -D -m 0644 "$IMG/kvm-intel.ko" "$L/kernel/arch/x86/kvm/kvm-intel.ko"
# (It warns that the kernel's modules.order and modules.builtin are absent.)
/sbin/depmod -b "$R" "$STOCK_VER" 2> "$OUT/depmod.log"
# kmod's modprobe and udev's daemon, with their libraries: this is
# x86_64 on x86_64, the host's programs run there.
axv_copy_prog "$R" "$(readlink -f /sbin/modprobe)" /sbin/modprobe
axv_copy_prog "$R" "$(axv_udevadm)" /bin/udevadm
mkdir -p "$R/lib/systemd" "$R/run" "$R/etc"
ln -s /bin/udevadm "$R/lib/systemd/systemd-udevd"
make -s -C "$SRC" udev_install DESTDIR="$R"
printf 'root:x:0:0:root:/root:/bin/sh\n' > "$R/etc/passwd"
printf 'root:x:0:\nkvm:x:104:\n' > "$R/etc/group"
# udevd first, to see the device appear; KVM (modprobe loads irqbypass
# and kvm first): on 6.1 it turns VMX on only while a KVM VM exists, as
# axvcpu does.
printf '%s\n' 'run:/lib/systemd/systemd-udevd --daemon' modprobe:kvm_intel \
	modprobe:axvcpu 'run:/bin/udevadm settle' > "$R/modules/order"
axv_cpio "$R" "$OUT/initrd.cpio"

# Bochs decompresses the 8 MB bzImage for ~90 s before the kernel starts.
log "booting Debian's $STOCK_VER ($STOCK_PKGVER) under Bochs"
axv_bochs "$OUT" "$IMG/vmlinuz" "$OUT/initrd.cpio" \
	"console=$CONSOLE panic=-1 log_buf_len=4M axmode=test$(axv_storm_append)"
exec "$AXV_TOP/testing/vm.py" --log "$OUT/console-test.log" --mode test \
	--timeout "${AXV_TIMEOUT:-$(axv_storm_timeout 1500)}" --serial "$BOCHS_SERIAL" -- "${BOCHS[@]}"
