#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Load-time checks of the arm64 backend: short boots of the arm64 test
# kernel in the configurations the module must refuse or accept, each
# judged by the load result the test init prints and by the module's
# one-line reason in the kernel log. Prints PASS/FAIL lines, then
# "AXV-RESULT passed=N failed=N skipped=0".
#
#   kvm-arm.mode=nvhe        kernel at EL1, KVM owns EL2   -ENODEV
#   (KVM initialised)        KVM owns the vtimer PPI       -EBUSY
#   axvcpu.kvm_coexist=1     KVM initialised, shared PPI   loads
set -euo pipefail
. "$(dirname "$0")/lib.sh"
axv_arch_vars arm64
"$AXV_TOP/testing/deps.sh"
B=$("$AXV_TOP/testing/kernel.sh" arm64)
OUT=${AXV_OUT:-$AXV_TOP/.out}/probe
rm -rf "$OUT"; mkdir -p "$OUT"

M=$OUT/mod; mkdir -p "$M"
cp -r "$AXV_TOP"/{Kbuild,src,arch,include} "$M"/
make -s -C "$B" ARCH=$KARCH CROSS_COMPILE=$CROSS M="$M" modules
R=$OUT/root; mkdir -p "$R"/{modules,dev,proc,sys,tmp}
cp "$M/axvcpu.ko" "$R/modules/"
"${CROSS}gcc" -static -O2 -Wall -o "$R/init" "$AXV_TOP/testing/init.c"
axv_cpio "$R" "$OUT/initrd.cpio"

pass=0 fail=0
# usage: check NAME KERNEL_ARGS LOAD_RESULT REASON
check() {
	local log=$OUT/$1.log
	# axmode=probe: the init loads the modules, has no /bin/probe to run,
	# dumps the kernel log and powers off.
	timeout 300 "${QEMU[@]}" -smp 2 -m 512 -nographic -no-reboot \
		-kernel "$B/$KIMAGE" -initrd "$OUT/initrd.cpio" \
		-append "console=$CONSOLE panic=-1 $2 axmode=probe" > "$log" 2>&1 || true
	if grep -aq "AXV: load axvcpu.ko.* = $3" "$log" && grep -aq "$4" "$log" &&
	   grep -aq 'AXV: DONE' "$log" &&
	   ! grep -aqE 'BUG:|WARNING:|Oops|Unable to handle|Call trace' "$log"; then
		echo "PASS probe: $1"; pass=$((pass + 1))
	else
		echo "FAIL probe: $1 (want load = $3 and \"$4\"; console in $log)"
		grep -a 'AXV: load\|axvcpu:' "$log" | sed 's/^/     /' | head -5
		fail=$((fail + 1))
	fi
}
check nvhe-refused kvm-arm.mode=nvhe "-1 No such device" \
	"not running at EL2 with VHE"
check kvm-owner-refused "" "-1 Device or resource busy" \
	"KVM owns the guest timer interrupt"
check kvm-coexist-loads axvcpu.kvm_coexist=1 "0" \
	"sharing the guest vtimer interrupt with KVM"
echo "AXV-RESULT passed=$pass failed=$fail skipped=0"
