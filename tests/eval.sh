#!/bin/sh
# Scores owabi on the shared corpus (../shared/corpus: dev documents + seed)
# with ../shared/tools/score.  ../shared exists beside a developer's checkout
# and in CI, not in a user's clone: without it this says so and skips.
#
#   tests/eval.sh           print the score table (make eval)
#   tests/eval.sh --check   also fail below the floor in tests/eval.floor, fail
#                           when the seed differs from its gold line in any field,
#                           and validate every record against the schema
OWABI=${OWABI:-./owabi}
SHARED=${OWABI_SHARED:-../shared}
check=0
[ "$1" = "--check" ] && check=1
if [ ! -f "$SHARED/corpus/dev/gold.jsonl" ] || [ ! -x "$SHARED/tools/score" ]; then
    echo "corpus: $SHARED/corpus not found; skipping the corpus score"
    echo "0 passed, 0 failed, 1 skipped"
    exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
# id<TAB>path for every gold line
/usr/bin/python3 - "$SHARED/corpus" >"$tmp/list" <<'PY'
import json, os, sys
c = sys.argv[1]
for sub in ("dev", "seed"):
    p = os.path.join(c, sub, "gold.jsonl")
    for line in open(p, encoding="utf-8"):
        if line.strip():
            g = json.loads(line)
            print(sub + "\t" + g["id"] + "\t" + os.path.join(c, sub, g["file"]))
PY
while IFS="$(printf '\t')" read -r sub id path; do
    if ! "$OWABI" parse --jsonl --id "$id" "$path" >>"$tmp/$sub.jsonl" 2>>"$tmp/err"; then
        echo "corpus: $id: owabi failed: $(tail -n 1 "$tmp/err")"
        fails=$((fails + 1))
    fi
done <"$tmp/list"

echo "dev corpus ($(grep -c . "$SHARED/corpus/dev/gold.jsonl") documents):"
"$SHARED/tools/score" "$SHARED/corpus/dev/gold.jsonl" "$tmp/dev.jsonl"
[ "$check" = 1 ] || "$SHARED/tools/score" "$SHARED/corpus/seed/gold.jsonl" "$tmp/seed.jsonl" --errors | sed -n '1,/^$/p'
[ "$check" = 1 ] || exit 0

passed=0
floor=$(cat tests/eval.floor)
overall=$("$SHARED/tools/score" "$SHARED/corpus/dev/gold.jsonl" "$tmp/dev.jsonl" --json |
          /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print("%.4f %.4f" % (d["overall_f1"], d["is_incident_accuracy"]))')
set -- $overall
if /usr/bin/python3 -c "import sys; sys.exit(0 if $1 >= $floor else 1)"; then
    passed=$((passed + 1))
else
    echo "FAIL corpus: overall F1 $1 is below the floor $floor (tests/eval.floor)"
    fails=$((fails + 1))
fi
if [ "$2" = "1.0000" ]; then
    passed=$((passed + 1))
else
    echo "FAIL corpus: is_incident accuracy $2 is not 1.0"
    fails=$((fails + 1))
fi
seed_err=$("$SHARED/tools/score" "$SHARED/corpus/seed/gold.jsonl" "$tmp/seed.jsonl" --errors | sed -n '1,/^$/p' | grep -v '^$')
if [ -z "$seed_err" ]; then
    passed=$((passed + 1))
else
    echo "FAIL seed differs from its gold line:"
    echo "$seed_err"
    fails=$((fails + 1))
fi
if cat "$tmp/dev.jsonl" "$tmp/seed.jsonl" | /usr/bin/python3 tests/validate.py schema/record.schema.json; then
    passed=$((passed + 1))
else
    fails=$((fails + 1))
fi
echo "$passed passed, $fails failed"
[ "$fails" -eq 0 ]
