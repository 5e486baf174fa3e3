#!/bin/sh
# CLI behaviour of the real binary: exit statuses, stdout/stderr contracts.
# usage: tests/cli.sh OWABI
OWABI=${1:-./owabi}
case $OWABI in /*) ;; *) OWABI=$PWD/$OWABI ;; esac
root=$PWD
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
pass=0 fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }

# run EXPECTED_EXIT CMD...: runs owabi with stdout/stderr to files.
run() {
    want=$1; shift
    "$OWABI" "$@" >out 2>err
    got=$?
    if [ "$got" -eq "$want" ]; then ok; else bad "owabi $*: exit $got, expected $want"; fi
}
stdout_has() { if grep -q -- "$1" out; then ok; else bad "stdout lacks '$1'"; fi; }
stderr_is() { if [ "$(cat err)" = "$1" ]; then ok; else bad "stderr is '$(cat err)', expected '$1'"; fi; }
stderr_has() { if grep -q -- "$1" err; then ok; else bad "stderr lacks '$1': $(cat err)"; fi; }
stdout_empty() { if [ ! -s out ]; then ok; else bad "stdout not empty: $(head -c 200 out)"; fi; }
stderr_empty() { if [ ! -s err ]; then ok; else bad "stderr not empty: $(cat err)"; fi; }
lines() { n=$(wc -l <out); if [ "$n" -eq "$1" ]; then ok; else bad "stdout has $n lines, expected $1"; fi; }
# jq-like check of record N (1-based) of stdout with a python expression on r
rec() {
    if /usr/bin/python3 - "$1" "$2" <<'PY'
import json, sys
n, expr = int(sys.argv[1]), sys.argv[2]
dec, text, i, recs = json.JSONDecoder(), open("out", encoding="utf-8").read(), 0, []
while True:
    while i < len(text) and text[i].isspace():
        i += 1
    if i >= len(text):
        break
    o, i = dec.raw_decode(text, i)
    recs.append(o)
r = recs[n - 1]
sys.exit(0 if eval(expr) else 1)
PY
    then ok; else bad "record $1: not ($2)"; fi
}

cat >notice.txt <<'TXT'
不正アクセスによる個人情報流出に関するお詫び
2024年2月1日
株式会社テスト商会
このたび、弊社サーバーが第三者による不正アクセスを受け、お客様の氏名およびメールアドレス120件が流出した可能性があることが判明いたしました。
TXT
printf 'レシピ：かぼちゃの煮物\n材料 かぼちゃ 1/4個\n' >recipe.txt

run 0 --version;          stdout_has "^owabi [0-9]"; stderr_empty
run 0 --help;             stdout_has "parse"; stderr_empty
run 0 parse --help;       stdout_has "--jsonl"; stderr_empty
run 2;                    stdout_empty
run 2 bogus;              stderr_has "unknown command 'bogus'"; stdout_empty
run 2 parse;              stderr_has "no input"; stdout_empty
run 2 parse --bogus notice.txt; stdout_empty
run 2 parse --format xml notice.txt; stderr_has "unknown format 'xml'"
run 2 parse --id a notice.txt recipe.txt; stderr_has "--id"
run 2 parse --max-body 12Q notice.txt; stderr_has "bad --max-body"

# A missing file: one line on stderr naming it, nothing on stdout.
run 1 parse missing.html; stdout_empty; stderr_is "owabi: missing.html: No such file or directory"
# The others still print, in input order.
run 1 parse --jsonl notice.txt missing.html recipe.txt; lines 2
rec 1 'r["source"]["id"] == "notice"'
rec 2 'r["source"]["id"] == "recipe" and r["is_incident"] is False'
# Default id is the base name without extension; --id overrides it.
run 0 parse --id my-id notice.txt; rec 1 'r["source"]["id"] == "my-id" and r["source"]["path"] == "notice.txt"'
# Pretty output by default: more than one line for one record.
run 0 parse notice.txt; if [ "$(wc -l <out)" -gt 10 ]; then ok; else bad "default output is not pretty"; fi
# stdin
"$OWABI" parse --jsonl - <notice.txt >out 2>err; [ $? -eq 0 ] && ok || bad "stdin exit"
rec 1 'r["source"]["id"] == "stdin" and r["source"]["path"] is None and r["source"]["bytes"] > 100'
# Empty input is an error that names the input.
: >empty.txt
run 1 parse empty.txt; stderr_is "owabi: empty.txt: input is empty"; stdout_empty
# A directory is not a file.
mkdir adir; run 1 parse adir; stderr_has "^owabi: adir: "
# An unknown --charset is an error for that input.
run 1 parse --charset no-such-charset notice.txt; stderr_has "^owabi: notice.txt: "
# The summary shows the organization and says what was not found.
run 0 parse --format summary notice.txt; stdout_has "株式会社テスト商会"; stdout_has "not found"
if grep -q "$(printf '\033')" out; then bad "summary has colour escapes when stdout is not a TTY"; else ok; fi
# --jsonl records are single lines of valid JSON
run 0 parse --jsonl notice.txt recipe.txt; lines 2
# sha256 and size of the raw bytes
run 0 parse --jsonl notice.txt
want=$(sha256sum notice.txt | cut -d' ' -f1)
rec 1 "r['source']['sha256'] == '$want' and r['source']['bytes'] == $(wc -c <notice.txt)"

# Controls never reach the terminal: a path with U+202E (right-to-left
# override) is shown as <U+202E> by the summary; and a subject with it and
# with CSI (U+009B) gives a title without them.
rlo=$(printf '\342\200\256')
cp notice.txt "notice${rlo}txt.html"
run 0 parse --format summary "notice${rlo}txt.html"
stdout_has "^notice<U+202E>txt.html$"
if grep -q "$rlo" out; then bad "summary printed a raw U+202E"; else ok; fi
printf 'From: info@example.jp\nSubject: =?UTF-8?B?%s?=\nMIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\n\n%s\n' \
    "$(printf '\343\201\212\350\251\253\342\200\256\343\201\263\302\233' | base64 | tr -d '\n')" "$(cat notice.txt)" >rlo.eml
run 0 parse --jsonl rlo.eml
rec 1 'r["notice"]["title"] == "お詫び"'

# An e-mail notice: the title is the decoded subject, without the header name.
run 0 parse --jsonl "$root/fixtures/iso2022jp-misdelivery.eml"
rec 1 'r["source"]["format"] == "mail" and r["notice"]["title"].startswith("【お詫び】") and "Subject" not in r["notice"]["title"]'

# --format html: one page of one input; report: its usage and its failures.
run 0 parse --format html notice.txt; stdout_has "^<!DOCTYPE html>"; stdout_has "テスト商会"; stderr_empty
run 2 parse --format html notice.txt recipe.txt; stderr_has "one input"; stdout_empty
run 0 report --help; stdout_has "--since"
run 2 report --since yesterday; stderr_has "bad --since"; stdout_empty
run 2 report extra; stderr_has "unexpected argument 'extra'"
run 1 report --db missing.db; stderr_has "missing.db"; stdout_empty
# an empty store (made by an ingest whose one source cannot be reached) gives a page that says so
echo "http://127.0.0.1:9/news/" >unreachable.txt
run 1 ingest --quiet --allow-private --db empty.db --sources unreachable.txt
run 0 report --db empty.db; stdout_has "0件の通知"; stdout_has "公表日のあるインシデントはありません"
# -o replaces the file whole: a failed write leaves the old file as it was
echo old >kept.html
run 1 report --db missing.db -o kept.html; if [ "$(cat kept.html)" = old ]; then ok; else bad "report -o clobbered kept.html"; fi
run 0 report --db empty.db -o kept.html; stdout_empty
if grep -q "^<!DOCTYPE html>" kept.html && ! ls kept.html.tmp* >/dev/null 2>&1; then ok; else bad "report -o: no page, or a temporary file left"; fi
run 1 report --db empty.db -o no-such-dir/r.html; stderr_has "no-such-dir/r.html"

# reextract and history: usage and a missing store
run 2 reextract --jobs 0; stderr_has "bad --jobs"
run 1 reextract --db missing.db; stderr_has "no store at"
run 2 history; stderr_has "give one URL"
run 1 history --db empty.db http://a.example/x.html; stderr_has "not in the store"
run 2 export --db empty.db --format warc --all; stderr_has "--all is for records"

# libcurl and poppler-glib are opened only for a URL or a PDF (fetch/libcurl.c,
# pdf/pdf.c): a run over local HTML loads neither (the dynamic loader lists
# what it loads under LD_DEBUG=libs).  Skipped under valgrind, whose loader
# messages differ.
if [ -z "$OW_VALGRIND" ]; then
    LD_DEBUG=libs "$OWABI" parse --jsonl "$root/fixtures/utf8-skimming.html" >out 2>err
    if ! grep -q "calling init" err; then bad "LD_DEBUG=libs printed nothing to check"
    elif grep -q "libcurl\|libpoppler" err; then bad "a local HTML run loaded $(grep -o 'libcurl[^ ]*\|libpoppler[^ ]*' err | sort -u | tr '\n' ' ')"
    else ok; fi
fi

# Without libcurl (OWABI_LIBCURL names a file that is not there): each URL
# fails with its reason, the files of the same run are still parsed; ingest
# stops with the reason instead of crashing.  Without poppler-glib a PDF fails
# alone.  Nothing here connects anywhere: libcurl is never opened.
export OWABI_LIBCURL=libowabi-test-missing.so.0 OWABI_LIBPOPPLER=libowabi-test-missing.so.0
run 1 parse --jsonl http://127.0.0.1:9/x.html notice.txt
lines 1; rec 1 'r["source"]["path"].endswith("notice.txt")'
stderr_is "owabi: http://127.0.0.1:9/x.html: cannot use libcurl: libowabi-test-missing.so.0: cannot open shared object file: No such file or directory"
echo "http://127.0.0.1:9/news/" >sources.txt
run 1 ingest --quiet --db ingest.db --sources sources.txt --allow-private
stderr_has "cannot use libcurl: libowabi-test-missing.so.0"
printf '%%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%%%EOF\n' >tiny.pdf
run 1 parse --jsonl tiny.pdf notice.txt
lines 1; stderr_has "owabi: tiny.pdf: cannot read PDF: libowabi-test-missing.so.0"
unset OWABI_LIBCURL OWABI_LIBPOPPLER

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
