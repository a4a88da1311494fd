#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Run the axvcpu KUnit suites on UML with the kernel's own kunit.py.
#
# The UML tree is a hard-link copy of Debian's linux-source-6.12 (cached)
# with two lines added to drivers/misc and drivers/misc/axvcpu linked to
# this repository; the build directory is cached too, so a warm run only
# recompiles what changed. Prints "AXV-RESULT passed=N failed=N skipped=N".
set -euo pipefail
. "$(dirname "$0")/lib.sh"
"$AXV_TOP/testing/deps.sh"
KSRC=$(axv_ksrc)
U=$AXV_CACHE/uml-src-$(basename "$KSRC")
if [ ! -e "$U/.complete" ]; then
	log "UML tree: hard-link copy of $KSRC"
	rm -rf "$U"
	cp -al "$KSRC" "$U"
	# sed -i writes new files: the hard-linked originals stay untouched.
	sed -i '$a source "drivers/misc/axvcpu/testing/uml.Kconfig"' "$U/drivers/misc/Kconfig"
	sed -i '$a obj-$(CONFIG_AXVCPU_KUNIT_UML) += axvcpu/' "$U/drivers/misc/Makefile"
	touch "$U/.complete"
fi
ln -sfn "$AXV_TOP" "$U/drivers/misc/axvcpu"
key=$( { cat "$AXV_TOP/testing/uml.kunitconfig"; echo "$U"; gcc --version | head -1; } |
	sha256sum | cut -c1-16)
BUILD=$AXV_CACHE/uml-build-$key
OUT=${AXV_OUT:-$AXV_TOP/.out}/uml
mkdir -p "$OUT"
log "KUnit on UML (build dir $BUILD; cold builds take minutes)"
set +e
(cd "$U" && PYTHONDONTWRITEBYTECODE=1 python3 tools/testing/kunit/kunit.py run \
	--build_dir="$BUILD" --kunitconfig="$AXV_TOP/testing/uml.kunitconfig" \
	--jobs="$AXV_JOBS" --json="$OUT/kunit.json" --timeout=300) > "$OUT/kunit.log" 2>&1
rc=$?
set -e
grep -E '^\[[0-9:]+\] (\[(PASSED|FAILED|SKIPPED)\]|=|Testing complete|.*(not ok|Error|error))' \
	"$OUT/kunit.log" | grep -v '^\[[0-9:]*\] =*$' || true
python3 - "$OUT/kunit.json" "$rc" <<'PY'
import json, sys
p = f = s = 0
def walk(g):
    global p, f, s
    for c in g.get('test_cases', []):
        st = c.get('status', '')
        p += st == 'PASS'; f += st in ('FAIL', 'ERROR'); s += st == 'SKIP'
    for sg in g.get('sub_groups', []):
        walk(sg)
try:
    walk(json.load(open(sys.argv[1])))
except (OSError, ValueError):
    f += 1
if sys.argv[2] != '0' and not f:
    f = 1
print(f'AXV-RESULT passed={p} failed={f} skipped={s}')
PY
