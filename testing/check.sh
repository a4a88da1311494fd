#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Static checks, one result line each, then "AXV-RESULT passed=N failed=N":
#  - checkpatch.pl --strict on every C and header file of the module;
#  - the module built with W=1 and sparse (C=1) against the riscv64,
#    arm64 and x86_64 test kernels, warnings counted as failures;
#  - the UAPI header compiled standalone in userspace;
#  - the core built against Debian's stock x86_64 headers (linux-headers-amd64),
#    to catch kernel-API drift.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
"$AXV_TOP/testing/deps.sh"
KSRC=$(axv_ksrc)
OUT=${AXV_OUT:-$AXV_TOP/.out}/check
rm -rf "$OUT"; mkdir -p "$OUT"
pass=0 fail=0
result() {
	if [ "$1" = 0 ]; then
		echo "PASS check: $2"; pass=$((pass + 1))
	else
		echo "FAIL check: $2"; sed 's/^/     /' "$3" | head -30; fail=$((fail + 1))
	fi
}
cd "$AXV_TOP"

files=$(git ls-files 'src/*.[ch]' 'arch/*.[ch]' 'include/*.h' 2>/dev/null ||
	find src arch include -name '*.[ch]')
user=$(git ls-files 'selftests/*.[ch]' 'vmm/*.[ch]' 'testing/*.c' 2>/dev/null ||
	find selftests vmm testing -name '*.[ch]')
"$KSRC/scripts/checkpatch.pl" --no-tree --strict --terse --show-types \
	--ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG,SPLIT_STRING -f $files $user \
	> "$OUT/checkpatch.log" 2>&1
grep -qE '(ERROR|WARNING|CHECK):' "$OUT/checkpatch.log"; r=$((1 - $?))
result $r "checkpatch --strict on $(echo $files $user | wc -w) files" "$OUT/checkpatch.log"

# kernel-doc: the UAPI, the ops tables and every documented function.
"$KSRC/scripts/kernel-doc" -none -Wall $files > "$OUT/kernel-doc.log" 2>&1
grep -q . "$OUT/kernel-doc.log"; r=$((1 - $?))
result $r "kernel-doc -Wall" "$OUT/kernel-doc.log"

# W=1 and sparse against each backend's test kernel.
# Debian's sparse 0.6.4 rejects riscv's -march=..._zicsr_zifencei.
cat > "$OUT/sparse" <<'SH'
#!/bin/sh
for a; do shift; case $a in -march=*) a=${a%%_*};; esac; set -- "$@" "$a"; done
exec sparse "$@"
SH
chmod +x "$OUT/sparse"
# x86_64: against its release kernel, the one its emulated boot uses.
for spec in riscv64 arm64 x86_64:release; do
	arch=${spec%%:*}
	variant=debug; [ "$spec" = "$arch" ] || variant=${spec#*:}
	axv_arch_vars $arch
	B=$("$AXV_TOP/testing/kernel.sh" $arch $variant)
	M=$OUT/mod-$arch; mkdir -p "$M"
	cp -r Kbuild src arch include "$M"/
	make -C "$B" ARCH=$KARCH CROSS_COMPILE=$CROSS M="$M" W=1 C=1 \
		CHECK="$OUT/sparse" modules > "$OUT/$arch-build.log" 2>&1
	r=$?
	grep -E 'warning:|error:' "$OUT/$arch-build.log" > "$OUT/$arch-warn.log" && r=1
	result $r "W=1 C=1 (sparse) build against the $arch 6.12 test kernel" "$OUT/$arch-warn.log"
done

# The UAPI header alone, in userspace.
echo '#include <linux/axvcpu.h>' | gcc -fsyntax-only -Wall -Wextra -Werror \
	-I include/uapi -x c - > "$OUT/uapi.log" 2>&1
result $? "include/uapi/linux/axvcpu.h compiles standalone" "$OUT/uapi.log"

# Debian's stock kernel headers (6.1), the whole module.
axv_stock_vars
H=$STOCK_HDR
if [ -d "$H" ]; then
	M=$OUT/mod-stock; mkdir -p "$M"
	cp -r Kbuild src arch include "$M"/
	make -C "$H" M="$M" W=1 C=1 modules > "$OUT/stock-build.log" 2>&1
	r=$?
	grep -E 'warning:|error:' "$OUT/stock-build.log" > "$OUT/stock-warn.log" && r=1
	result $r "W=1 C=1 build against Debian's stock headers ($(basename "$H"))" "$OUT/stock-warn.log"
else
	echo "no stock headers" > "$OUT/stock-warn.log"
	result 1 "Debian's stock headers (linux-headers-amd64) not installed" "$OUT/stock-warn.log"
fi
echo "AXV-RESULT passed=$pass failed=$fail skipped=0"
