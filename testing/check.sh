#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Static checks, one result line each, then "AXV-RESULT passed=N failed=N":
#  - checkpatch.pl --strict on every C and header file of the module;
#  - the module built with W=1 and sparse (C=1) against the riscv64,
#    arm64 and x86_64 test kernels, warnings counted as failures;
#  - the UAPI header compiled standalone in userspace;
#  - the core built against Debian's stock x86_64 headers (linux-headers-amd64),
#    to catch kernel-API drift;
#  - make modules_install against each test kernel (they have KUnit) into a
#    scratch INSTALL_MOD_PATH: axvcpu.ko alone, where modprobe finds it,
#    every module parameter described (modinfo);
#  - make install and make uninstall against the stock headers into a
#    scratch root (INSTALL_MOD_PATH and DESTDIR): the module, depmod's
#    index, the UAPI header and the udev rule, then nothing of them;
#  - one version: MODULE_VERSION as modinfo shows it, dkms.conf's
#    PACKAGE_VERSION and make version agree.
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
# Checks of an installed module: modprobe (-d: in ROOT) finds axvcpu.ko
# in updates/ for RELEASE and nothing else of ours is installed; each
# parameter modinfo lists has a description. Prints what is wrong.
# usage: installed ROOT RELEASE
installed() {
	local ko=$1/lib/modules/$2/updates/axvcpu.ko p
	/sbin/modprobe -d "$1" -S "$2" --show-depends axvcpu 2>&1 | grep -qF "insmod $ko" ||
		echo "modprobe -d $1 -S $2 does not find $ko"
	find "$1/lib/modules/$2" -name 'axvcpu*.ko*' ! -path "$ko" | sed 's/^/installed too: /'
	for p in $(/sbin/modinfo -F parmtype "$ko" | cut -d: -f1); do
		/sbin/modinfo -F parm "$ko" | grep -q "^$p:" ||
			echo "$ko: parameter $p has no MODULE_PARM_DESC"
	done
}
: > "$OUT/modinst.log"

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
	# The same build (W=1 C=1: nothing recompiles) through make
	# modules_install, which leaves the KUnit module out.
	cp Makefile "$M"/
	I=$OUT/modinst-$arch
	if make -C "$M" KDIR="$B" ARCH=$KARCH CROSS_COMPILE=$CROSS W=1 C=1 CHECK="$OUT/sparse" \
		INSTALL_MOD_PATH="$I" modules_install > "$OUT/modinst-$arch.log" 2>&1; then
		installed "$I" "$(cat "$B/include/config/kernel.release")" >> "$OUT/modinst.log"
	else
		tail -5 "$OUT/modinst-$arch.log" >> "$OUT/modinst.log"
	fi
done
grep -q . "$OUT/modinst.log"; r=$((1 - $?))
result $r "make modules_install against the riscv64, arm64 and x86_64 test kernels (with KUnit): axvcpu.ko alone, found by modprobe, its parameters described" "$OUT/modinst.log"

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
# make install and uninstall into a scratch root against the stock
# headers; the root starts as an installed kernel's /lib/modules does
# (depmod's index of no module), and must end as it started.
S=$OUT/root
tree_state() { (cd "$S" && find . ! -type d | LC_ALL=C sort | xargs -r sha256sum); }
: > "$OUT/install.log"
if [ -d "$H" ]; then
	M=$OUT/mod-install L=$S/lib/modules/$STOCK_VER
	mkdir -p "$M" "$L"
	cp -r Kbuild Makefile dkms.conf src arch include udev "$M"/
	touch "$L"/modules.{order,builtin,builtin.modinfo}
	/sbin/depmod -b "$S" "$STOCK_VER"
	tree_state > "$OUT/root-before.txt"
	mk=(make -C "$M" KDIR="$H" INSTALL_MOD_PATH="$S" DESTDIR="$S")
	if "${mk[@]}" install > "$OUT/make-install.log" 2>&1; then
		installed "$S" "$STOCK_VER" >> "$OUT/install.log"
		cmp include/uapi/linux/axvcpu.h "$S/usr/include/linux/axvcpu.h" >> "$OUT/install.log" 2>&1
		cmp udev/60-axvcpu.rules "$S/lib/udev/rules.d/60-axvcpu.rules" >> "$OUT/install.log" 2>&1
	else
		tail -10 "$OUT/make-install.log" >> "$OUT/install.log"
	fi
	"${mk[@]}" uninstall > "$OUT/make-uninstall.log" 2>&1 ||
		tail -10 "$OUT/make-uninstall.log" >> "$OUT/install.log"
	tree_state | diff "$OUT/root-before.txt" - >> "$OUT/install.log"
else
	echo "no stock headers" >> "$OUT/install.log"
fi
grep -q . "$OUT/install.log"; r=$((1 - $?))
result $r "make install then make uninstall into a scratch root (INSTALL_MOD_PATH, DESTDIR) against the stock headers" "$OUT/install.log"

# One version: src/main.c's MODULE_VERSION, as modinfo reads it from the
# module built above, is what dkms.conf (sourced by bash, as dkms does)
# and make version say.
v_mod=$(/sbin/modinfo -F version "$OUT/mod-install/axvcpu.ko" 2>/dev/null)
v_dkms=$(bash -c '. ./dkms.conf && echo "$PACKAGE_VERSION"')
v_make=$(make -s version)
echo "modinfo: '$v_mod', dkms.conf: '$v_dkms', make version: '$v_make'" > "$OUT/version.log"
[ -n "$v_mod" ] && [ "$v_mod" = "$v_dkms" ] && [ "$v_mod" = "$v_make" ]
result $? "one module version ($v_mod): modinfo, dkms.conf and make version agree" "$OUT/version.log"
echo "AXV-RESULT passed=$pass failed=$fail skipped=0"
