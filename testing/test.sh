#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The whole test suite: static checks, KUnit on UML, then the riscv64,
# arm64 and x86_64 emulated boots (KUnit in the kernel, kselftests,
# kmemleak, splat scan), a Linux guest under axvm in the riscv64 machine,
# the arm64 load checks, and the x86_64 selftests on Debian's stock kernel.
# Ends with "N passed, N failed".
#
# usage: testing/test.sh [--soak]
# --soak: the ioctl storm (selftests/lib/storm.c) makes a million calls
#         on each machine instead of 100000 (AXV_STORM_CALLS=N sets any
#         other number), and the x86_64 boot runs a second time on the
#         debug kernel (KASAN, lockdep, kmemleak), which CI's budget
#         leaves out.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
soak=0
for a; do
	case $a in
	--soak) soak=1; export AXV_STORM_CALLS=${AXV_STORM_CALLS:-1000000} ;;
	*) die "usage: $0 [--soak]" ;;
	esac
done
"$AXV_TOP/testing/deps.sh" || exit 1
total_p=0 total_f=0 total_s=0
stage() {
	local name=$1; shift
	log "== $name"
	local out logf
	logf=$(mktemp)
	"$@" 2>&1 | tee "$logf"
	out=$(grep '^AXV-RESULT' "$logf" | tail -1)
	rm -f "$logf"
	[ -n "$out" ] || out="AXV-RESULT passed=0 failed=1 skipped=0"
	eval "$(echo "$out" | sed -E 's/AXV-RESULT passed=([0-9]+) failed=([0-9]+) skipped=([0-9]+)/p=\1 f=\2 s=\3/')"
	log "== $name: $p passed, $f failed, $s skipped"
	total_p=$((total_p + p)) total_f=$((total_f + f)) total_s=$((total_s + s))
}
stage "static checks" "$AXV_TOP/testing/check.sh"
stage "KUnit on UML" "$AXV_TOP/testing/kunit-uml.sh"
stage "riscv64 emulated boot" "$AXV_TOP/testing/run.sh" test riscv64
# A Linux guest (the release build of the same kernel) on two vCPUs under
# vmm/axvm.
stage "riscv64 Linux guest under axvm" "$AXV_TOP/testing/run.sh" linux riscv64
stage "arm64 emulated boot" "$AXV_TOP/testing/run.sh" test arm64
stage "arm64 Linux guest under axvm" "$AXV_TOP/testing/run.sh" linux arm64
stage "arm64 load checks (nVHE, KVM)" "$AXV_TOP/testing/probe.sh"
# x86_64 runs under Bochs on its release kernel (testing/lib.sh).
stage "x86_64 emulated boot (Bochs)" "$AXV_TOP/testing/run.sh" test x86_64
[ $soak = 0 ] || stage "x86_64 emulated boot, debug kernel (Bochs)" \
	env AXV_KVARIANT=debug "$AXV_TOP/testing/run.sh" test x86_64
# The module on Debian's stock kernel (6.1) next to its own kvm_intel.
stage "x86_64 on Debian's stock kernel (Bochs)" "$AXV_TOP/testing/stock.sh"
echo "$total_p passed, $total_f failed, $total_s skipped"
[ "$total_f" = 0 ] && [ "$total_p" -gt 0 ]
