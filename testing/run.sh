#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build everything for one arch and run it in the emulated machine.
#
# usage: testing/run.sh test|demo|bench [ARCH]  (ARCH: riscv64, arm64, x86_64)
#
# test: boot, load axvcpu.ko and axvcpu_kunit.ko (KUnit runs at load),
#       run the kselftests, check kmemleak, unload; judged by testing/vm.py.
# demo: boot and run a demo guest that prints a line through the VMM.
# bench: boot and run the exit-loop benchmark through /dev/axvcpu and
#       /dev/kvm side by side, on a kernel without the debug options.
# riscv64 and arm64 run under QEMU TCG, x86_64 under Bochs (VMX).
# AXV_APPEND adds kernel arguments (e.g. earlyprintk=serial on x86_64).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
mode=${1:?usage: $0 test|demo|bench [ARCH]}
arch=${2:-riscv64}
axv_arch_vars "$arch"
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
axv_userspace "$R" "$KSRC"
cp "$M"/*.ko "$R/modules/"
# A backend's demo and benchmark exist once its vmm/guest-<arch>.S does.
if [ "$mode" != test ] || [ -e "$AXV_TOP/vmm/guest-$arch.S" ]; then
	make -s -C "$AXV_TOP/vmm" CROSS_COMPILE=$CROSS OUTPUT="$R/bin" KHDR="$B/uapi/include"
fi
axv_cpio "$R" "$OUT/initrd.cpio"

log "booting $arch ($mode)"
echo_flag=; [ "$mode" = test ] || echo_flag=--echo
kvm_args=$KVM_ARGS; [ "$mode" = bench ] && kvm_args=$KVM_BENCH_ARGS
cmdline="console=$CONSOLE panic=-1 log_buf_len=4M $kvm_args axmode=$mode${AXV_APPEND:+ $AXV_APPEND}"
timeout=1500
if [ ${#QEMU[@]} = 0 ] && [ "$variant" = debug ]; then
	# The debug kernel under Bochs: a slower emulated clock (lib.sh);
	# a whole test run takes ~20 minutes.
	export AXV_BOCHS_IPS=${AXV_BOCHS_IPS:-100000000}
	timeout=3600
fi
VM=(--log "$OUT/console-$mode.log" --mode "$mode" --timeout "${AXV_TIMEOUT:-$timeout}" $echo_flag)
if [ ${#QEMU[@]} = 0 ]; then
	axv_bochs "$OUT" "$B/$KIMAGE" "$OUT/initrd.cpio" "$cmdline"
	exec "$AXV_TOP/testing/vm.py" "${VM[@]}" --serial "$BOCHS_SERIAL" -- "${BOCHS[@]}"
fi
"$AXV_TOP/testing/vm.py" "${VM[@]}" -- \
	"${QEMU[@]}" -smp 2 -m 1024 -nographic -no-reboot \
	-kernel "$B/$KIMAGE" -initrd "$OUT/initrd.cpio" \
	-append "$cmdline"
