#!/bin/sh
# tests/browser/make_pages.sh OWABI DIR — the pages the browser tests and
# `make screenshots` look at, made in DIR by OWABI:
#   views/NAME.html and views/NAME.json: `parse --format html` and the JSON
#     record of every fixture, of two PDF releases from tests/pdf/make_pdfs.py
#     (and of the seed, when ../shared is there);
#   hostile-view.html: the view of an invented page full of markup;
#   report.html: `owabi report` over a store that `owabi ingest` filled from a
#     local HTTP server serving the fixtures; report-orgs.json: the notices
#     that store must hold, from fixtures/expected.jsonl (written by hand);
#   hostile-report.html: a report over a store edited to hold a name and a
#     URL made to run script.
# Prints "FAIL ..." lines and exits 1 when a step fails.
set -u
OWABI=$1
tmp=$2
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
PY=${PYTHON:-/usr/bin/python3}
case $OWABI in /*) ;; *) OWABI=$(pwd)/$OWABI ;; esac
srv=
trap '[ -n "$srv" ] && kill $srv 2>/dev/null' EXIT
fail=0
die() { echo "FAIL $*"; exit 1; }

# 1. Evidence views, each with the same input's JSON record beside it.
mkdir -p "$tmp/views"
inputs="$root/fixtures/*.html $root/fixtures/*.txt $root/fixtures/*.eml"
if [ -d "$root/../shared/corpus/seed" ]; then
    inputs="$inputs $root/../shared/corpus/seed/*.txt"
else
    echo "(../shared absent: the seed's view is not checked)"
fi
# PDF releases too, made by the PDF tests' generator (python3-cairo)
if $PY "$root/tests/pdf/make_pdfs.py" "$tmp/pdf" >/dev/null 2>&1; then
    inputs="$inputs $tmp/pdf/ir-release.pdf $tmp/pdf/two-column.pdf"
else
    echo "(no python3-cairo: the PDF views are not checked)"
fi
for f in $inputs; do
    name=$(basename "$f"); name=${name%.*}
    "$OWABI" parse --format html "$f" > "$tmp/views/$name.html" || { echo "FAIL parse --format html $f"; fail=$((fail + 1)); }
    "$OWABI" parse "$f" > "$tmp/views/$name.json" || { echo "FAIL parse $f"; fail=$((fail + 1)); }
done
"$OWABI" parse --format html "$here/hostile.html" > "$tmp/hostile-view.html" || { echo "FAIL hostile view"; fail=$((fail + 1)); }
if "$OWABI" parse --format html "$root/fixtures/loss-usb.txt" "$root/fixtures/era-dates.txt" > /dev/null 2>&1; then
    echo "FAIL parse --format html with two inputs is not refused"; fail=$((fail + 1))
fi

# 2. Stores filled by ingest from a local server: the fixtures, and a hostile page.
rm -rf "$tmp/site"
mkdir -p "$tmp/site"
cp "$root"/fixtures/*.html "$root"/fixtures/*.txt "$here/hostile.html" "$tmp/site/"
$PY -m http.server 0 --bind 127.0.0.1 --directory "$tmp/site" > "$tmp/srv.log" 2>&1 &
srv=$!
port=
for _ in $(seq 50); do
    port=$(sed -n 's/.*port \([0-9][0-9]*\).*/\1/p' "$tmp/srv.log" | head -n 1)
    [ -n "$port" ] && break
    sleep 0.1
done
[ -n "$port" ] || die "the local HTTP server did not start"
for f in "$root"/fixtures/*.html "$root"/fixtures/*.txt; do
    echo "http://127.0.0.1:$port/$(basename "$f")"
done > "$tmp/sources.txt"
echo "http://127.0.0.1:$port/hostile.html" > "$tmp/hostile-sources.txt"
"$OWABI" ingest --quiet --allow-private --delay 0 --sources "$tmp/sources.txt" --db "$tmp/store.db" \
    || { echo "FAIL ingest of the fixtures"; fail=$((fail + 1)); }
"$OWABI" ingest --quiet --allow-private --delay 0 --sources "$tmp/hostile-sources.txt" --db "$tmp/hostile.db" \
    || { echo "FAIL ingest of the hostile page"; fail=$((fail + 1)); }
# A store is a file anyone with access can edit: a name and a URL made to run script.
$PY - "$tmp/hostile.db" <<'EOF' || { echo "FAIL editing the hostile store"; fail=$((fail + 1)); }
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
n = db.execute("UPDATE records SET json = json_set(json, '$.organization.name', "
               "'<script>alert(\"org\")</script>' || char(0x202E) || '\"'' onmouseover=x')").rowcount
db.execute("UPDATE pages SET url = 'javascript:alert(''url'')'")
db.commit()
assert n == 1, n
EOF
"$OWABI" report --db "$tmp/store.db" -o "$tmp/report.html" || { echo "FAIL report"; fail=$((fail + 1)); }
"$OWABI" report --db "$tmp/hostile.db" > "$tmp/hostile-report.html" || { echo "FAIL hostile report"; fail=$((fail + 1)); }
# The stored notices, from the hand-written expectations: ingest keeps incidents.
$PY - "$root/fixtures/expected.jsonl" > "$tmp/report-orgs.json" <<'EOF'
import json, sys
orgs = [e["organization"] for e in map(json.loads, open(sys.argv[1], encoding="utf-8"))
        if e["is_incident"] and not e["file"].endswith(".eml")]
print(json.dumps(orgs, ensure_ascii=False))
EOF

[ $fail -eq 0 ]
