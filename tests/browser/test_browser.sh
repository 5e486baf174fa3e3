#!/bin/sh
# tests/browser/test_browser.sh OWABI — owabi's HTML pages, made by OWABI and
# checked in Debian's chromium (headless, through playwright-core; both
# installed by tools/deps.sh) and by html5lib's strict parser:
#   - the evidence view of every fixture (and of the seed, when ../shared is
#     there): each evidence quote marked, hand-written marks found, missing
#     fields listed, field links that bring their marks into view;
#   - a report over a store that `owabi ingest` filled from a local HTTP
#     server serving the fixtures: rows, filters, sorting, evidence links;
#   - hostile strings (a page's and a store's) that stay text;
#   - no request leaves a page, no console error, no sideways scrolling at
#     1280x800 and 390x844.
set -u
OWABI=${1:-./owabi}
# Debian's python3, which has python3-html5lib (another python3 on PATH may not)
PY=${PYTHON:-/usr/bin/python3}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

die() { echo "FAIL $*"; echo "0 passed, 1 failed"; exit 1; }
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || die "no chromium at ${CHROMIUM:-/usr/bin/chromium} (sh tools/deps.sh installs it)"
[ -d "$here/node_modules/playwright-core" ] || die "no playwright-core in tests/browser/node_modules (sh tools/deps.sh installs it)"
command -v node >/dev/null || die "no node"

# 1-2. The pages.
sh "$here/make_pages.sh" "$OWABI" "$tmp" || fail=$((fail + 1))

# 3. Valid HTML: html5lib's strict parser raises on the first parse error.
$PY - "$tmp" <<'EOF' || fail=$((fail + 1))
import glob, os, sys
import html5lib
bad = 0
files = sorted(glob.glob(os.path.join(sys.argv[1], "*.html")) + glob.glob(os.path.join(sys.argv[1], "views", "*.html")))
for f in files:
    try:
        html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(open(f, "rb").read())
    except Exception as e:
        bad += 1
        print("FAIL %s is not valid HTML: %s" % (os.path.basename(f), e))
print("html5lib: %d pages, %d invalid" % (len(files), bad))
sys.exit(1 if bad or not files else 0)
EOF

# 4. The browser.
node "$here/test_browser.js" "$tmp" > "$tmp/node.out" 2>&1
rc=$?
grep -v ' passed, [0-9]* failed$' "$tmp/node.out"
p=$(sed -n 's/^\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed$/\1/p' "$tmp/node.out")
f=$(sed -n 's/^\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed$/\2/p' "$tmp/node.out")
[ -z "$f" ] && [ $rc -ne 0 ] && f=1
# the shell's own two checks: the pages were made, and they are valid HTML
echo "$((${p:-0} + 2 - (fail > 2 ? 2 : fail))) passed, $((${f:-0} + fail)) failed"
[ $rc -eq 0 ] && [ $fail -eq 0 ]
