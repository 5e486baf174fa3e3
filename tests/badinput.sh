#!/bin/sh
# tests/badinput.sh — owabi on hostile and degenerate inputs: `owabi parse`
# on files, then `owabi ingest` / `owabi export` against a hostile test site.
#
# usage: tests/badinput.sh OWABI
#
# Each case writes one file into a temporary directory, runs
# `timeout 60 OWABI parse --jsonl FILE` and checks that owabi did not crash or
# hang (exit 0 or 1 only; 124 = timeout, >128 = signal) and that its output is
# one of the two defined shapes:
#   record: exit 0, stdout exactly one JSON object line (schema fields read:
#           is_incident, source.decode_errors);
#   error:  exit 1, stdout empty, stderr exactly one line "owabi: FILE: reason".
# Then the outcome decided for that case (in the comment above it) is checked.
# Inputs are generated deterministically (python3, fixed seeds), nothing is
# downloaded.  The ingest part (at the end) starts tests/ingest/server.py on
# 127.0.0.1 and runs each repro of issue 12 there: for each, no crash or
# hang, the exit status and the stderr line decided for it, and the bound
# it is about (peak RSS under 256 MB, time).
# Closes with "N passed, M failed"; exits 1 on any failure.
set -u

OWABI=${1:?usage: tests/badinput.sh OWABI}
case $OWABI in /*) ;; *) OWABI=$(pwd)/$OWABI ;; esac
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

T=$(mktemp -d "${TMPDIR:-/tmp}/owabi-bad.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT INT TERM
pass=0 fail=0

ok()   { pass=$((pass + 1)); }
bad()  { fail=$((fail + 1)); printf 'FAIL %s: %s\n' "$1" "$2"; }

# A short invented notice, used as the body of several cases.
NOTICE='<h1>不正アクセスによる個人情報流出に関するお詫び</h1>
<p>2024年5月20日</p><p>株式会社ためしテスト商会</p>
<p>このたび、当社の通販サイトが第三者による不正アクセスを受け、お客様の氏名、住所、電話番号が流出した可能性があることが判明いたしました。対象は1,234名です。深くお詫び申し上げます。</p>
<p>お問い合わせ 0120-000-999</p>'

# check NAME FILE EXPECT [INCIDENT [DECODE_ERRORS [TEST]]]
#   EXPECT: record | error | either
#   INCIDENT (records only): true | false | any
#   DECODE_ERRORS (records only): "positive" to require source.decode_errors > 0
#   TEST (records only): a python expression on the record r that must hold
check() {
    name=$1 file=$T/$2 expect=$3 incident=${4:-any} decerr=${5:-} test=${6:-True}
    timeout 60 "$OWABI" parse --jsonl "$file" >"$T/out" 2>"$T/err" </dev/null
    rc=$?
    if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
        if [ "$rc" -eq 124 ]; then bad "$name" "timed out (60 s)"
        elif [ "$rc" -gt 128 ]; then bad "$name" "killed by signal $((rc - 128)): $(head -c 300 "$T/err")"
        else bad "$name" "exit $rc: $(head -c 300 "$T/err")"; fi
        return
    fi
    shape=$("$PY" - "$T/out" "$T/err" "$rc" "$file" "$incident" "$decerr" "$test" <<'EOF'
import json, sys
out, err, rc, path, incident, decerr, test = sys.argv[1:]
o = open(out, "rb").read()
e = open(err, "rb").read().decode("utf-8", "replace")
if rc == "1":
    lines = e.splitlines()
    if o:
        print("bad: exit 1 but stdout is not empty"); sys.exit()
    if len(lines) != 1:
        print(f"bad: exit 1 and {len(lines)} stderr lines (want one): {e[:200]!r}"); sys.exit()
    prefix = f"owabi: {path}: "
    if not lines[0].startswith(prefix) or len(lines[0]) == len(prefix):
        print(f"bad: stderr line is not 'owabi: FILE: reason': {lines[0][:200]!r}"); sys.exit()
    print("error " + lines[0][len(prefix):]); sys.exit()
nl = o.count(b"\n")
if not o.endswith(b"\n") or nl != 1:
    print(f"bad: exit 0 but stdout has {nl} newlines (want exactly one JSON line)"); sys.exit()
try:
    r = json.loads(o.decode("utf-8"))
except (UnicodeDecodeError, ValueError) as x:
    print(f"bad: stdout is not JSON: {x}"); sys.exit()
if not isinstance(r, dict) or not isinstance(r.get("is_incident"), bool):
    print("bad: record has no boolean is_incident"); sys.exit()
if incident != "any" and str(r["is_incident"]).lower() != incident:
    print(f"bad: is_incident is {str(r['is_incident']).lower()}, want {incident}"); sys.exit()
if decerr == "positive":
    n = (r.get("source") or {}).get("decode_errors")
    if not isinstance(n, int) or n <= 0:
        print(f"bad: source.decode_errors is {n!r}, want > 0"); sys.exit()
if not eval(test):
    print(f"bad: not ({test})"); sys.exit()
print("record")
EOF
)
    case $shape in
    bad:*) bad "$name" "${shape#bad: }"; return ;;
    esac
    case $expect:$shape in
    record:record|error:error*|either:*) ok ;;
    *) bad "$name" "want $expect, got $shape" ;;
    esac
}

# Empty file: nothing to parse -> error (exit 1, "owabi: F: input is empty").
: >"$T/empty.html"
check empty empty.html error

# One byte of text: still a document -> a record, not an incident.
printf 'x' >"$T/one-byte.txt"
check one-byte one-byte.txt record false

# 4096 NUL bytes: not text -> error ("input is not text").
"$PY" -c 'import sys; sys.stdout.buffer.write(bytes(4096))' >"$T/nul.bin"
check nul-bytes nul.bin error

# 4096 bytes of fixed-seed random junk (has NULs and C0 controls): not text -> error.
"$PY" -c 'import random, sys; sys.stdout.buffer.write(random.Random(20240520).randbytes(4096))' >"$T/junk.bin"
check binary-junk junk.bin error

# 20 MB of text (a notice paragraph repeated, inside one page): a record, within
# the 60 s limit; it is a notice, so is_incident true.  Under valgrind
# (OW_VALGRIND) 128 KB: memcheck without JIT is some 500 times slower, the
# outcome the same.
"$PY" - "$T/big.html" "$NOTICE" "${OW_VALGRIND:+0.125}" <<'EOF'
import sys
path, notice = sys.argv[1], sys.argv[2]
mb = float(sys.argv[3] or 20)
para = ("<p>このたび、当社の通販サイトが第三者による不正アクセスを受け、お客様の氏名、住所、"
        "電話番号が流出した可能性があることが判明いたしました。深くお詫び申し上げます。</p>\n").encode()
with open(path, "wb") as f:
    f.write(b'<!DOCTYPE html><html><head><meta charset="utf-8"><title>t</title></head><body><main>\n')
    f.write(notice.encode())
    f.write(para * (int(mb * 1024 * 1024) // len(para) + 1))
    f.write(b"</main></body></html>\n")
EOF
check 20mb-text big.html record true

# UTF-8 notice with stray invalid bytes (0xFF, a lone 0xC3, a cut 3-byte
# sequence): decoded with U+FFFD -> a record, source.decode_errors > 0.
"$PY" - "$T/invalid-utf8.html" "$NOTICE" <<'EOF'
import sys
path, notice = sys.argv[1], sys.argv[2]
body = notice.encode()
cut = body.index("流出".encode())
data = (b'<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>'
        + body[:cut] + b"\xff\xc3 \xe6\x97" + body[cut:] + b"\xfe</body></html>\n")
open(path, "wb").write(data)
EOF
check invalid-utf8 invalid-utf8.html record true positive

# Unclosed tags everywhere (no </p>, </div>, </body>, </html>, a dangling "<p"):
# the HTML parser recovers -> a record whose text is still the notice.
printf '%s\n' '<html><head><meta charset="utf-8"><title>お詫び<body><div><div class="x"><p>2024年5月20日<p>株式会社ためしテスト商会<p>このたび、当社の通販サイトが第三者による不正アクセスを受け、お客様の氏名、住所、電話番号が流出した可能性があることが判明いたしました。対象は1,234名です。深くお詫び申し上げます。<table><tr><td>お問い合わせ<td>0120-000-999<p' >"$T/unclosed.html"
check unclosed-tags unclosed.html record true

# 100,000 nested <div>s around one short sentence: no stack overflow, no
# quadratic time -> a record (not a notice).
"$PY" -c 'import sys; n=100000; sys.stdout.write("<html><body>" + "<div>"*n + "今日のおすすめ" + "</div>"*n + "</body></html>\n")' >"$T/nested.html"
check nested-divs nested.html record false

# A page with no notice at all (a recipe) -> a record, is_incident false.
cat >"$T/recipe.html" <<'EOF'
<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8"><title>かぼちゃの煮物の作り方</title></head>
<body><main><h1>かぼちゃの煮物</h1><p>2024年10月3日 更新</p>
<h2>材料（4人分）</h2><ul><li>かぼちゃ 1/4個（約400g）</li><li>だし汁 300ml</li><li>砂糖 大さじ2</li><li>しょうゆ 大さじ1と1/2</li></ul>
<h2>作り方</h2><ol><li>かぼちゃは種を取り、3cm角に切る。</li><li>鍋にだし汁と砂糖を入れて火にかけ、かぼちゃを皮を下にして並べる。</li><li>落としぶたをして中火で10分煮たら、しょうゆを加えてさらに5分煮る。</li></ol>
<p>保存は冷蔵で2〜3日が目安です。</p></main></body></html>
EOF
check no-notice recipe.html record false

# A page that is only a script (its text is code, not content) -> a record,
# is_incident false (the script text must not be read as the notice).
cat >"$T/script-only.html" <<'EOF'
<html><head><script>
var msg = "不正アクセスにより1,000件の個人情報が流出しました";
document.write("<p>" + msg + "</p>");
</script></head><body><script>window.location = "/top/";</script></body></html>
EOF
check script-only script-only.html record false

# UTF-16LE with a BOM: the BOM wins over the NUL-byte "binary" heuristic ->
# a record whose text is the notice.
"$PY" - "$T/utf16.html" "$NOTICE" <<'EOF'
import sys
path, notice = sys.argv[1], sys.argv[2]
page = '<!DOCTYPE html><html><head><title>お詫び</title></head><body>' + notice + '</body></html>\n'
open(path, "wb").write(b"\xff\xfe" + page.encode("utf-16-le"))
EOF
check utf16le-bom utf16.html record true

# An unknown <meta charset> label with UTF-8 bytes: the label is ignored and
# detection decides -> a record whose text is the notice.
printf '<!DOCTYPE html><html><head><meta charset="x-klingon-2000"></head><body>%s</body></html>\n' "$NOTICE" >"$T/unknown-label.html"
check unknown-charset-label unknown-label.html record true

# Mixed encodings: the first half UTF-8, the second half the same text in CP932.
# Whatever single charset is chosen, part of it is garbage -> still a record
# (no crash, no empty output); its content is not asserted.
"$PY" - "$T/mixed.html" "$NOTICE" <<'EOF'
import sys
path, notice = sys.argv[1], sys.argv[2]
head = b'<!DOCTYPE html><html><head><title>mixed</title></head><body>'
open(path, "wb").write(head + notice.encode("utf-8") + notice.encode("cp932") + b"</body></html>\n")
EOF
check mixed-encodings mixed.html record any

# Invalid bytes in each of the other charsets owabi decodes, the notice around
# them: a CP932 page (declared Shift_JIS) with a lead byte before a space, two
# bytes no table maps (0xFD, 0xFE) and a lead byte at the very end; an EUC-JP
# page with the half-width prefix 0x8E before an ASCII letter, a lone 0xFF
# and a cut two-byte character; an ISO-2022-JP message whose JIS X 0208 run
# has a byte outside the table and ends in a lone byte; a UTF-16LE page (BOM)
# with a lone high surrogate.  Each: the declared charset still reads best ->
# a record, is_incident true, source.decode_errors > 0 (the bad bytes became
# U+FFFD, the rest is kept).
"$PY" - "$T" "$NOTICE" <<'EOF'
import sys
t, notice = sys.argv[1], sys.argv[2]
cut = notice.index("流出")
def page(label, enc, bad):
    head = ('<!DOCTYPE html><html><head><meta http-equiv="Content-Type" '
            'content="text/html; charset=%s"></head><body>' % label).encode("ascii")
    return head + notice[:cut].encode(enc) + bad + notice[cut:].encode(enc) + b"</body></html>\n"
open(t + "/bad-cp932.html", "wb").write(page("Shift_JIS", "cp932", b"\x81 \xfd\xfe") + b"\x82")
open(t + "/bad-eucjp.html", "wb").write(page("EUC-JP", "euc_jp", b"\x8eA\xff\xb0"))
body = notice.replace("<p>", "").replace("</p>", "\n").replace("<h1>", "").replace("</h1>", "\n")
c = body.index("流出")
jis = (body[:c].encode("iso2022_jp") + b"\x1b$B\x7f\x21\x30" + b"\x1b(B"
       + body[c:].encode("iso2022_jp") + b"\x1b$B\x30")
open(t + "/bad-iso2022jp.eml", "wb").write(
    b"From: info@example.jp\nSubject: notice\nMIME-Version: 1.0\n"
    b"Content-Type: text/plain; charset=ISO-2022-JP\nContent-Transfer-Encoding: 7bit\n\n" + jis + b"\n")
u = ("<html><body>" + notice[:cut]).encode("utf-16-le") + b"\x00\xd8" + (notice[cut:] + "</body></html>").encode("utf-16-le")
open(t + "/bad-utf16.html", "wb").write(b"\xff\xfe" + u)
EOF
check invalid-cp932 bad-cp932.html record true positive
check invalid-eucjp bad-eucjp.html record true positive
check invalid-iso2022jp bad-iso2022jp.eml record true positive
check invalid-utf16 bad-utf16.html record true positive

# ---- issue 12: hostile sites and careless operators ------------------------

# 7. C1 controls (CSI U+009B, OSC U+009D) and bidi overrides and isolates
# (U+202E, U+2066), raw and as character references, in a notice's title and
# company name -> a record with none of them anywhere, title and name intact.
"$PY" - "$T/controls.html" "$NOTICE" <<'EOF'
import sys
path, notice = sys.argv[1], sys.argv[2]
notice = notice.replace("株式会社ためしテスト商会", "株式会社\u202eためし\u2066テスト商会")
page = ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>不正アクセス\u202eによる"
        "\u009b31m個人情報流出\u009dに関するお詫び&#x202E;&#155;</title></head><body>" + notice
        + "</body></html>\n")
open(path, "w", encoding="utf-8").write(page)
EOF
check controls-in-title controls.html record true "" \
    'not any(c in json.dumps(r, ensure_ascii=False) for c in "\u202e\u2066\u009b\u009d") and r["notice"]["title"] == "不正アクセスによる31m個人情報流出に関するお詫び" and r["organization"]["name"] == "株式会社ためしテスト商会"'
# ... and the summary shows a control in a file name, never sends it.
rlo=$(printf '\342\200\256')
cp "$T/controls.html" "$T/rlo${rlo}lmth.txt"
timeout 60 "$OWABI" parse --format summary "$T/rlo${rlo}lmth.txt" >"$T/out" 2>"$T/err" </dev/null
rc=$?
if [ "$rc" -ne 0 ]; then bad summary-controls "exit $rc: $(head -c 300 "$T/err")"
elif grep -q "$rlo" "$T/out"; then bad summary-controls "a raw U+202E reached stdout"
elif ! grep -q "rlo<U+202E>lmth.txt" "$T/out"; then bad summary-controls "no <U+202E> shown: $(head -1 "$T/out")"
else ok; fi

# A UTF-8 page, nothing declared, with six stray 0xA6 bytes (half-width ｦ in
# Shift_JIS) among twenty characters -> read as UTF-8 with six U+FFFD (it was
# read as windows-31j, all of it garbled).
"$PY" -c 'import sys; open(sys.argv[1], "wb").write("<html><body><h1>不正|アクセス|に関する|お詫び|</h1><p>株式会社|テスト|</p></body></html>".encode().replace(b"|", b"\xa6"))' "$T/stray-a6.html"
check utf8-stray-bytes stray-a6.html record any positive \
    'r["source"]["charset"] == "UTF-8" and r["source"]["decode_errors"] == 6 and r["notice"]["title"] == "不正\ufffdアクセス\ufffdに関する\ufffdお詫び\ufffd"'

# The rest needs the test site: tests/ingest/server.py with its /hostile/
# area, and a second one whose robots.txt is 3 MB.  Each repro: no crash or
# hang, the exit status and message decided for it, and its bound.
here=$(cd "$(dirname "$0")" && pwd)
"$PY" - "$OWABI" "$T" "$here/ingest/server.py" >"$T/matrix" 2>&1 <<'EOF'
import csv, io, os, sqlite3, subprocess, sys, time
OWABI, T, SERVER = sys.argv[1:]
SANITIZED = bool(os.environ.get("OW_SANITIZED"))
VALGRIND = bool(os.environ.get("OW_VALGRIND"))
SLOW = 4 if VALGRIND else 2 if SANITIZED else 1
passed = failed = 0


def ok(cond, name, why):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL %s: %s" % (name, why))


def start(*args):
    p = subprocess.Popen([sys.executable, SERVER, os.path.join(T, "log-%d" % len(args))] + list(args),
                         stdout=subprocess.PIPE, text=True)
    return p, "http://127.0.0.1:%s" % p.stdout.readline().strip()


def run(name, args, timeout=120):
    """owabi ARGS: exit status, stdout, stderr, peak RSS (MB), seconds; a
    crash, a signal or a hang fails on its own."""
    t0 = time.monotonic()
    with open(os.path.join(T, "o"), "wb") as o, open(os.path.join(T, "e"), "wb") as e:
        p = subprocess.Popen([OWABI] + args, stdout=o, stderr=e, stdin=subprocess.DEVNULL)
        while True:
            pid, status, usage = os.wait4(p.pid, os.WNOHANG)
            if pid:
                code = os.waitstatus_to_exitcode(status)
                break
            if time.monotonic() - t0 > timeout * SLOW:
                p.kill()
                _, _, usage = os.wait4(p.pid, 0)
                code = "hang"
                break
            time.sleep(0.02)
    out = open(os.path.join(T, "o"), "rb").read()
    err = open(os.path.join(T, "e"), "rb").read().decode("utf-8", "replace")
    ok(code in (0, 1, 2, 3), name + " (no crash or hang)", "exit %s: %r" % (code, err[:300]))
    return code, out, err, usage.ru_maxrss // 1024, time.monotonic() - t0


count = [0]


def sources(*lines):
    count[0] += 1
    path = os.path.join(T, "sources-%d.txt" % count[0])
    with open(path, "w") as f:
        f.write("".join(x + "\n" for x in lines))
    return path


def ingest(src, *extra, db=None):
    count[0] += 1
    db = db or os.path.join(T, "store-%d.db" % count[0])
    return db, ["ingest", "--sources", src, "--db", db, "--allow-private", "--delay", "0"] + list(extra)


site, B = start()
big, B2 = start("--big-robots", "3")
try:
    # 1. Feeds whose DTD expands a 200 KB entity 5,000 times (RSS title,
    # Atom href, sitemap loc) -> exit 0 under 256 MB (it took 994 MB).
    db, a = ingest(sources(B + "/hostile/entity.rss", B + "/hostile/entity.atom",
                           B + "/hostile/entity-sitemap.xml"))
    code, out, err, rss, secs = run("entity-feeds", a)
    ok(code == 0, "entity-feeds", "exit %s: %r" % (code, err[:300]))
    ok(SANITIZED or rss < 256, "entity-feeds", "peak RSS %d MB" % rss)
    # 2. --sources /dev/zero -> exit 2 at the 4 MiB cap, not gigabytes.
    code, out, err, rss, secs = run("sources-dev-zero", ["ingest", "--sources", "/dev/zero",
                                                         "--db", os.path.join(T, "z.db")], 30)
    ok(code == 2 and "/dev/zero: larger than 4194304 bytes" in err, "sources-dev-zero", repr(err))
    ok(SANITIZED or rss < 64, "sources-dev-zero", "peak RSS %d MB" % rss)
    # ... a BOM before the first URL is accepted; a NUL in a line refuses it.
    bom = os.path.join(T, "bom.txt")
    open(bom, "wb").write(b"\xef\xbb\xbf" + (B + "/hostile/notice.html\n").encode())
    code, out, err, rss, secs = run("sources-bom", ingest(bom)[1])
    ok(code == 0, "sources-bom", "exit %s: %r" % (code, err))
    nul = os.path.join(T, "nul.txt")
    open(nul, "wb").write((B + "/news/").encode() + b"\0x\n")
    code, out, err, rss, secs = run("sources-nul", ingest(nul)[1])
    ok(code == 2 and err == "owabi: %s:1: NUL byte in the line\n" % nul, "sources-nul", repr(err))
    # 3. A page titled =HYPERLINK(...) -> CSV field "'=HYPERLINK(...)".
    db, a = ingest(sources(B + "/hostile/formula.html"))
    run("csv-formula ingest", a)
    code, out, err, rss, secs = run("csv-formula", ["export", "--db", db, "--format", "csv"])
    rows = list(csv.reader(io.StringIO(out.decode("utf-8"), newline="")))
    ok(code == 0 and len(rows) == 2 and rows[1][8].startswith("'=HYPERLINK("), "csv-formula",
       repr(rows[1:]))
    # A record whose stored JSON is corrupt -> named, left out, exit 1.
    con = sqlite3.connect(db)
    con.execute("UPDATE records SET json = '[1,'")
    con.commit()
    con.close()
    code, out, err, rss, secs = run("export-corrupt", ["export", "--db", db])
    ok(code == 1 and out == b"" and "(%s/hostile/formula.html revision 1) is corrupt" % B in err,
       "export-corrupt", "exit %s: %r" % (code, err))
    # 4. Lines another program appended to --out survive a run with nothing new.
    outf = os.path.join(T, "out.jsonl")
    db, a = ingest(sources(B + "/hostile/notice.html"), "--out", outf)
    run("out-append first run", a)
    with open(outf, "ab") as f:
        f.write(b'{"appended": 1}\n{"appended": 2}\n')
    before = open(outf, "rb").read()
    code, out, err, rss, secs = run("out-append", a)
    ok(code == 0 and open(outf, "rb").read() == before, "out-append", "the appended lines were cut")
    # 5. Two runs on one store, one through a symlink -> the second exits 3.
    db = os.path.join(T, "lock.db")
    os.symlink(db, os.path.join(T, "lock-link.db"))
    src = sources(B + "/hostile/sleep?s=%d" % (3 * SLOW))
    first = subprocess.Popen([OWABI] + ingest(src, db=db)[1], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    time.sleep(1.0 * SLOW)
    code, out, err, rss, secs = run("lock-symlink", ingest(src, db=os.path.join(T, "lock-link.db"))[1])
    ok(code == 3 and "another ingest run holds the store" in err, "lock-symlink",
       "exit %s: %r" % (code, err))
    first.wait()
    # 6. A source sending one byte a second, --max-time 2 -> exit 1 in time,
    # one line saying why.
    code, out, err, rss, secs = run("max-time", ingest(sources(B + "/hostile/trickle"),
                                                       "--max-time", "2", "--quiet")[1], 60)
    ok(code == 1 and err.startswith("owabi: ingest stopped: time limit of 2 s reached")
       and err.count("\n") == 1, "max-time", "exit %s: %r" % (code, err))
    ok(secs < 2 + 3 * SLOW, "max-time", "took %.1fs" % secs)
    # 8. A 3 MB robots.txt allowing owabi at its top -> its head is read.
    code, out, err, rss, secs = run("robots-3mb", ingest(sources(B2 + "/news/"))[1])
    ok(code == 0 and "1 new records" in err, "robots-3mb", "exit %s: %r" % (code, err))
    # Redirects to javascript: and data: -> the target named.
    code, out, err, rss, secs = run("redirect-js-data", ingest(sources(B + "/hostile/to-js",
                                                                       B + "/hostile/to-data"))[1])
    ok(code == 1 and "refused: javascript:alert(document.domain)" in err
       and "refused: data:text/html" in err, "redirect-js-data", repr(err))
    # /%2E/members/ and %2E%2E links, /members/ being disallowed -> skipped.
    code, out, err, rss, secs = run("robots-dot-segments", ingest(sources(B + "/hostile/dots/"))[1])
    ok(code == 0 and "2 skipped by robots.txt" in err, "robots-dot-segments",
       "exit %s: %r" % (code, err))
    # .xml.gz sitemaps (application/gzip, x-gzip) -> read.
    code, out, err, rss, secs = run("gzip-sitemaps", ingest(sources(B + "/hostile/sitemap.xml.gz",
                                                                    B + "/hostile/sitemap-x.xml.gz"))[1])
    ok(code == 0 and "1 new records" in err, "gzip-sitemaps", "exit %s: %r" % (code, err))
finally:
    for p in (site, big):
        p.terminate()
        p.wait()
print("%d passed, %d failed" % (passed, failed))
EOF
grep -v ' passed, ' "$T/matrix"
mp=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p' "$T/matrix")
mf=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p' "$T/matrix")
if [ -z "$mp" ]; then bad ingest-matrix "did not finish"
else pass=$((pass + mp)); fail=$((fail + mf)); fi

printf '%d passed, %d failed\n' "$pass" "$fail"
[ "$fail" -eq 0 ]
