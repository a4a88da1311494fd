#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The fresh-machine check (what CI runs): a minimal Debian 12 root made
# by debootstrap --variant=minbase from this machine's own apt sources,
# this clone and the kernel cache (~/.cache/axvcpu, or AXV_CACHE)
# bind-mounted into it at the same paths, and inside it, as root, with nothing installed but
# minbase:
#
#   1. testing/run.sh demo      (README's first command, as written)
#   2. kbuild's own tools: riscv64 defconfig prepare headers_install
#      from the extracted linux-source-6.12 into a scratch directory
#      (a warm cache skips the kernel builds, which call them)
#   3. testing/test.sh          (README's second command, as written)
#
# The root lives in AXV_FRESH_ROOT (default /var/tmp/axvcpu-fresh), is
# made anew each run and removed after it (AXV_FRESH_KEEP=1 keeps it).
# The mounts live in a private mount namespace: they vanish with it.
# Ends with "N passed, N failed, N skipped": test.sh's count plus the
# demo and the kbuild check.
#
# usage: testing/fresh.sh
set -euo pipefail
. "$(dirname "$0")/lib.sh"

if [ "${1:-}" = --inside ]; then
	cd "$AXV_TOP"
	p=0 f=0
	log "fresh root: testing/run.sh demo"
	if testing/run.sh demo; then p=$((p + 1)); else f=$((f + 1)); fi
	log "fresh root: kbuild's tools (riscv64 defconfig prepare headers_install)"
	KSRC=$(axv_ksrc)
	S=$(mktemp -d)
	if make -s -C "$KSRC" O="$S" ARCH=riscv CROSS_COMPILE=riscv64-linux-gnu- \
		-j"$AXV_JOBS" defconfig prepare headers_install > "$S.log" 2>&1; then
		echo "PASS fresh: kbuild defconfig prepare headers_install"
		p=$((p + 1))
	else
		tail -20 "$S.log"
		echo "FAIL fresh: kbuild defconfig prepare headers_install"
		f=$((f + 1))
	fi
	rm -rf "$S" "$S.log"
	log "fresh root: testing/test.sh"
	testing/test.sh | tee /tmp/test.log || true
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' /tmp/test.log | tail -1)
	set -- ${line:-0 passed, 1 failed, 0 skipped}
	echo "$((p + $1)) passed, $((f + $3)) failed, $5 skipped"
	[ $((f + $3)) = 0 ] && [ "$1" -gt 0 ]
	exit
fi

[ "$(id -u)" = 0 ] || exec sudo -E "$0" "$@"
"$AXV_TOP/testing/deps.sh" debootstrap
ROOT=${AXV_FRESH_ROOT:-/var/tmp/axvcpu-fresh}
fresh_rm() {
	# Never remove a tree with something mounted inside it.
	! grep -qF " $ROOT" /proc/self/mountinfo || die "$ROOT has mounts: not removing it"
	rm -rf "$ROOT"
}
fresh_rm

# The machine's Debian mirror: the first URI of its apt sources.
mirror=${AXV_MIRROR:-$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
	sed -nE 's/^URIs:[[:space:]]*([^[:space:]]+).*/\1/p' | head -1)}
[ -n "$mirror" ] || mirror=$(sed -nE 's/^deb[[:space:]]+(\[[^]]*\][[:space:]]+)?([^[:space:]]+).*/\2/p' \
	/etc/apt/sources.list 2>/dev/null | head -1)
[ -n "$mirror" ] || die "no Debian mirror in /etc/apt/sources.list*: set AXV_MIRROR"
log "debootstrap --variant=minbase bookworm from $mirror into $ROOT"
mkdir -p "$ROOT"
OUT=${AXV_OUT:-$AXV_TOP/.out}/fresh
rm -rf "$OUT"; mkdir -p "$OUT"
debootstrap --variant=minbase bookworm "$ROOT" "$mirror" > "$OUT/debootstrap.log" 2>&1 ||
	{ tail -20 "$OUT/debootstrap.log" >&2; die "debootstrap failed"; }
# The same apt sources and settings as this machine; its name service.
rm -f "$ROOT/etc/apt/sources.list"
cp -a /etc/apt/sources.list* /etc/apt/apt.conf.d /etc/apt/trusted.gpg.d "$ROOT/etc/apt/" 2>/dev/null || true
cp /etc/resolv.conf "$ROOT/etc/" 2>/dev/null || true
for k in $(grep -rhoE 'Signed-By:[[:space:]]*/[^[:space:]]+|signed-by=/[^] ]+' \
	/etc/apt/sources.list* 2>/dev/null | sed -E 's/^[^/]*//'); do
	mkdir -p "$ROOT$(dirname "$k")"; cp "$k" "$ROOT$k"
done
log "fresh root: $(chroot "$ROOT" dpkg-query -f '.\n' -W | wc -l) packages (minbase)"

set +e
unshare --mount --propagation private bash -euc '
	R=$1 T=$2 C=$3
	mount -t proc proc "$R/proc"
	mount -t sysfs sysfs "$R/sys"
	mount --rbind /dev "$R/dev"
	mount -t tmpfs tmpfs "$R/tmp"
	# After the tmpfs: the clone or the cache may live under /tmp.
	mkdir -p "$R$T" "$R$C"
	mount --bind "$T" "$R$T"
	mount --bind "$C" "$R$C"
	exec chroot "$R" /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		AXV_CACHE="$C" ${CI:+CI=$CI} bash "$T/testing/fresh.sh" --inside
' fresh "$ROOT" "$AXV_TOP" "$AXV_CACHE"
rc=$?
set -e
[ "${AXV_FRESH_KEEP:-0}" = 1 ] || fresh_rm
log "fresh machine check: exit $rc after $(( ($(date +%s) - axv_t0) / 60 )) minutes"
exit $rc
