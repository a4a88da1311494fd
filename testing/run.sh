#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build everything for one arch and run it in the emulated machine.
#
# usage: testing/run.sh test|demo|bench|linux [ARCH]
#        (ARCH: riscv64, arm64, x86_64; linux: riscv64 and arm64)
#
# test: boot, load axvcpu.ko and axvcpu_kunit.ko (KUnit runs at load),
#       run the kselftests, check kmemleak, unload; judged by testing/vm.py.
# linux: boot, load axvcpu.ko and run a Linux guest under vmm/axvm on two
#       vCPUs: the release build of the test kernel (AXV_GUEST_KVARIANT=
#       debug for the host's), with testing/guest-init.c as its /init;
#       then unload, check kmemleak.
# demo: riscv64, arm64: that Linux guest; x86_64: a demo guest that prints
#       a line through the VMM. Shows only the guest's console and the
#       VMM's output (the whole console with AXV_VERBOSE=1, its tail on
#       failure), then a verdict.
# bench: boot and run the exit-loop benchmark through /dev/axvcpu and
#       /dev/kvm side by side, on a kernel without the debug options.
# riscv64 and arm64 run under QEMU TCG, x86_64 under Bochs (VMX).
# AXV_APPEND adds kernel arguments (e.g. earlyprintk=serial on x86_64).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
mode=${1:?usage: $0 test|demo|bench|linux [ARCH]}
arch=${2:-riscv64}
case $mode in
test|demo|bench|linux) ;;
*) die "unknown mode '$mode' (test, demo, bench, linux)" ;;
esac
axv_arch_vars "$arch"
# The Linux guest under axvm: riscv64 and arm64 (their demo too).
guest=0
if [ "$mode" = linux ] || { [ "$mode" = demo ] && [ "$arch" != x86_64 ]; }; then
	[ "$arch" != x86_64 ] || die "mode linux: not on x86_64 (axvm runs riscv64 and arm64 guests)"
	guest=1
fi
"$AXV_TOP/testing/deps.sh"
KSRC=$(axv_ksrc)
# AXV_KVARIANT=debug|release overrides (e.g. to measure the debug cost).
variant=$KVARIANT; [ "$mode" = bench ] && variant=release
variant=${AXV_KVARIANT:-$variant}
B=$("$AXV_TOP/testing/kernel.sh" "$arch" $variant)
OUT=${AXV_OUT:-$AXV_TOP/.out}/$arch
rm -rf "$OUT"; mkdir -p "$OUT"

# The module, built in a copy so that trees for several arches coexist.
log "building axvcpu.ko for $arch"
M=$OUT/mod; mkdir -p "$M"
cp -r "$AXV_TOP"/{Kbuild,src,arch,include} "$M"/
make -s -C "$B" ARCH=$KARCH CROSS_COMPILE=$CROSS M="$M" W=1 modules

log "building userspace"
R=$OUT/root
axv_userspace "$R" "$KSRC" > "$OUT/userspace.log" 2>&1 ||
	{ tail -30 "$OUT/userspace.log" >&2; die "userspace build failed (log: $OUT/userspace.log)"; }
# The demo and the Linux guest need no KUnit module.
case $mode in
test|bench) cp "$M"/*.ko "$R/modules/" ;;
*) cp "$M/axvcpu.ko" "$R/modules/" ;;
esac
# A backend's demo and benchmark exist once its vmm/guest-<arch>.S does.
if [ "$mode" != test ] || [ -e "$AXV_TOP/vmm/guest-$arch.S" ]; then
	make -s -C "$AXV_TOP/vmm" CROSS_COMPILE=$CROSS OUTPUT="$R/bin" KHDR="$B/uapi/include" \
		KSRC="$KSRC"
fi
mem=1024
if [ $guest = 1 ]; then
	# The guest: the host's kernel image, an initramfs of its /init and
	# /dev/console (gen_init_cpio, from the kernel build: no root needed
	# for the device node).
	log "building the Linux guest's initramfs"
	[ -x "$R/bin/axvm" ] || die "vmm/ built no axvm"
	G=$OUT/guest; mkdir -p "$G" "$R/guest"
	"${CROSS}gcc" -static -O2 -Wall -pthread -o "$G/init" \
		"$AXV_TOP/testing/guest-init.c" -lm
	printf '%s\n' 'dir /dev 0755 0 0' 'nod /dev/console 0600 0 0 c 5 1' \
		"file /init $G/init 0755 0 0" > "$G/list"
	"$B/usr/gen_init_cpio" "$G/list" > "$R/guest/initrd.cpio"
	# The guest kernel is the release build of the same sources and
	# config (the benchmark's): the debug options' cost inside the
	# guest (KASAN, lockdep) is not what the guest's figures are about,
	# and the host's debug kernel still checks the module.
	GB=$("$AXV_TOP/testing/kernel.sh" "$arch" "${AXV_GUEST_KVARIANT:-release}")
	cp "$GB/$KIMAGE" "$R/guest/Image"
	# 256 MiB of guest RAM, pinned, on top of the debug kernel's own needs.
	mem=2048
fi
axv_cpio "$R" "$OUT/initrd.cpio"

log "booting $arch ($mode)"
kvm_args=$KVM_ARGS; [ "$mode" = bench ] && kvm_args=$KVM_BENCH_ARGS
cmdline="console=$CONSOLE panic=-1 log_buf_len=4M $kvm_args axmode=$mode${AXV_APPEND:+ $AXV_APPEND}$(axv_storm_append)"
timeout=1500
# The benchmark holds 1024 of KVM's x86 vCPUs (35 KiB each) at once.
[ "$mode" = bench ] && export AXV_BOCHS_MEGS=${AXV_BOCHS_MEGS:-1024}
if [ ${#QEMU[@]} = 0 ] && [ "$variant" = debug ]; then
	# The debug kernel under Bochs: a slower emulated clock (lib.sh);
	# a whole test run takes ~20 minutes.
	export AXV_BOCHS_IPS=${AXV_BOCHS_IPS:-100000000}
	timeout=3600
fi
# vm.py judges the riscv64 and arm64 demo as the Linux guest it runs.
vm_mode=$mode; [ $guest = 1 ] && vm_mode=linux
[ "$mode" != test ] || timeout=$(axv_storm_timeout $timeout)
VM=(--log "$OUT/console-$mode.log" --mode "$vm_mode" --timeout "${AXV_TIMEOUT:-$timeout}")
case $mode in
demo) VM+=(--demo) ;;
bench) VM+=(--echo) ;;
esac
[ "${AXV_VERBOSE:-0}" = 0 ] || VM+=(--echo)
[ "$mode" != demo ] || [ "${AXV_VERBOSE:-0}" != 0 ] ||
	log "the host's console goes to $OUT/console-$mode.log (AXV_VERBOSE=1 shows it)"
if [ ${#QEMU[@]} = 0 ]; then
	axv_bochs "$OUT" "$B/$KIMAGE" "$OUT/initrd.cpio" "$cmdline"
	exec "$AXV_TOP/testing/vm.py" "${VM[@]}" --serial "$BOCHS_SERIAL" -- "${BOCHS[@]}"
fi
# A hang shows where each vCPU was: vm.py asks the monitor on a timeout.
VM+=(--monitor "$OUT/monitor.sock" --symbols "$B/System.map")
"$AXV_TOP/testing/vm.py" "${VM[@]}" -- \
	"${QEMU[@]}" -smp 2 -m $mem -nographic -no-reboot \
	-monitor "unix:$OUT/monitor.sock,server=on,wait=off" \
	-kernel "$B/$KIMAGE" -initrd "$OUT/initrd.cpio" \
	-append "$cmdline"
