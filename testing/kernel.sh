#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build (or reuse from the cache) the test kernel for one arch and print its
# build directory. The cache key hashes every input: the config fragments,
# the kernel source, the compiler and this script.
#
# usage: testing/kernel.sh ARCH [debug|release]
#   debug (default): KASAN, lockdep, kmemleak...: what the tests run on;
#   release: without them, for the benchmark.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
arch=${1:?usage: $0 ARCH [debug|release]}
variant=${2:-debug}
axv_arch_vars "$arch"
KSRC=$(axv_ksrc)
frags=("$AXV_TOP/testing/configs/common.config"
       "$AXV_TOP/testing/configs/$arch.config")
case $variant in
debug) frags+=("$AXV_TOP/testing/configs/debug.config") ;;
release) ;;
*) die "unknown kernel variant '$variant'" ;;
esac
key=$( { cat "${frags[@]}" "$0"; echo "$KSRC"; "${CROSS}gcc" --version | head -1; } |
	sha256sum | cut -c1-16)
B=$AXV_CACHE/kernel-$arch-$variant-$key
if [ -e "$B/.complete" ]; then
	log "$arch $variant kernel: cached $B"
	echo "$B"; exit 0
fi
log "$arch kernel: building in $B (-j$AXV_JOBS, several minutes cold)"
rm -rf "$B"; mkdir -p "$B"
cat "${frags[@]}" > "$B/fragment.config"
KM=(make -C "$KSRC" O="$B" ARCH=$KARCH CROSS_COMPILE=$CROSS)
"${KM[@]}" -s KCONFIG_ALLCONFIG="$B/fragment.config" allnoconfig
# Kconfig silently drops symbols whose dependencies are unmet.
bad=0
while IFS= read -r l; do
	s=${l%%=*}; v=${l#*=}
	got=$(grep -E "^$s=" "$B/.config" | cut -d= -f2- || true)
	[ "${got:-n}" = "$v" ] || { log "config: $s wanted $v, got ${got:-n}"; bad=1; }
done < <(grep -hE '^CONFIG_[A-Z0-9_]+=' "$B/fragment.config")
[ $bad = 0 ] || die "$arch kernel: config fragment did not apply"
if ! "${KM[@]}" -j"$AXV_JOBS" all > "$B/build.log" 2>&1; then
	tail -40 "$B/build.log" >&2; die "$arch kernel: build failed"
fi
"${KM[@]}" -s headers_install INSTALL_HDR_PATH="$B/uapi" > /dev/null
# What M= module builds need is ~30 MB; drop the objects.
find "$B" \( -name '*.o' -o -name '.*.cmd' -o -name '*.a' -o -name 'Image.gz' \
	-o -name vmlinux.unstripped \) -delete
touch "$B/.complete"
log "$arch kernel: done, $(du -sh "$B" | cut -f1)"
echo "$B"
