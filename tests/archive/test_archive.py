#!/usr/bin/env python3
"""The archive, `owabi reextract`, `owabi history` and `owabi export --format
warc`, against a real HTTP server on 127.0.0.1 and a real SQLite store.

    python3 test_archive.py OWABI

  1. ingest archives every page's body once (by SHA-256, compressed) with
     its fetch, and each record names its fetch, its cause and its build;
  2. with the server gone, reextract reads every page again and, with the
     same build, changes nothing;
  3. a test build with one vocabulary line added gives a new revision for
     exactly the page that line concerns, marked as made by the extractor;
  4. a page changed on the server gives a page revision that history shows
     with the changed field and a diff of the text (text and jsonl);
  5. the WARC export, read back by a reader written here from ISO 28500 (not
     from owabi's writer): every gzip member one record, every digest right,
     every body equal to what the server sent, Content-Encoding noted;
  6. a damaged body is reported, never used;
  7. SIGKILL during ingest and during reextract, 20 times each: afterwards
     PRAGMA integrity_check is ok, every record's body is archived, and the
     --out file holds every record exactly once.
All organizations, people and numbers are invented."""
import base64
import gzip
import hashlib
import http.server
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import zlib

OWABI = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "./owabi")
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TMP = tempfile.mkdtemp(prefix="owabi-archive-")
SITE = os.path.join(TMP, "site")
passed = failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL " + what)


def page(title, body):
    return ('<!DOCTYPE html>\n<html lang="ja"><head><meta charset="utf-8"><title>%s</title></head>\n'
            '<body><nav><a href="/">トップ</a></nav><main><h1>%s</h1>\n%s\n</main>'
            '<footer>Copyright 2026</footer></body></html>\n' % (title, title, body))


# Invented notices.  ROOTKIT's method word is unknown to owabi's vocabulary
# until the test build adds it; COUNT is changed on the server in step 4.
ROOTKIT = page("不正アクセスによる個人情報漏えいに関するお詫び", """
<p>2026年4月3日</p><p>株式会社しらかば商会</p>
<p>当社の受注サーバーが第三者による不正アクセスを受け、サーバー内にルートキットが設置されていたことが判明しました。
お客様の氏名、住所、電話番号 842件が流出した可能性があります。</p>
<p>2026年3月28日、保守会社からの連絡により判明しました。</p>""")
COUNT = page("個人情報流出に関するお詫び", """
<p>2026年5月11日</p><p>株式会社あおみ書林</p>
<p>当社通販サイトが不正アクセスを受け、お客様のメールアドレス %s件が流出した可能性があることが判明しました。</p>
<p>2026年5月2日、外部からの指摘により判明しました。</p>""")
PLAIN = ("2026年6月1日\n北浜市\n個人情報を含む書類の紛失について\n"
         "市民課において、市民37名分の氏名と住所を記載した書類を紛失しました。\n"
         "5月29日、職員が書類の所在が分からないことに気付きました。\n")
FILLER = ("<p>当社では、お客様に安心してご利用いただけるよう、外部の専門機関の助言を受けながら、"
          "システムの監視体制の強化と従業員への教育を継続して実施してまいります。ご不明な点がございましたら、"
          "専用窓口までお問い合わせください。</p>\n") * 40
NOT_NOTICE = page("新商品のお知らせ", "<p>2026年7月1日</p><p>夏の新商品を発売します。</p>")


def write(name, data):
    with open(os.path.join(SITE, name), "wb") as f:
        f.write(data.encode("utf-8") if isinstance(data, str) else data)


class Handler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *a, **k):
        super().__init__(*a, directory=SITE, **k)

    def log_message(self, *a):
        pass

    def do_GET(self):
        # /gz/ pages are sent gzip-encoded to a client that accepts it
        if self.path.startswith("/gz/") and "gzip" in (self.headers.get("Accept-Encoding") or ""):
            path = os.path.join(SITE, self.path[len("/gz/"):])
            with open(path, "rb") as f:
                body = gzip.compress(f.read())
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()


class Server:
    def __init__(self):
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def run(*args, binary=OWABI, timeout=300):
    return subprocess.run([binary] + list(args), capture_output=True, text=True, timeout=timeout)


def ingest(db, sources, out=None):
    args = ["ingest", "--quiet", "--allow-private", "--delay", "0", "--sources", sources, "--db", db]
    if out:
        args += ["--out", out]
    return run(*args)


def q(db, sql, *args):
    c = sqlite3.connect(db)
    try:
        return c.execute(sql, args).fetchall()
    finally:
        c.close()


def copy_store(db, name):
    """A copy of the store db (with its WAL) in TMP."""
    dst = os.path.join(TMP, name)
    for ext in ("", "-wal", "-shm"):
        if os.path.exists(db + ext):
            shutil.copy(db + ext, dst + ext)
    return dst


def test_build():
    """owabi built from this tree with one vocabulary line added."""
    tree = os.path.join(TMP, "tree")
    ignore = shutil.ignore_patterns("build*", "owabi", "node_modules", ".git", "corpus-*", "out")
    shutil.copytree(ROOT, tree, ignore=ignore)
    with open(os.path.join(tree, "extract", "vocab", "methods.tsv"), "a", encoding="utf-8") as f:
        f.write("malware\tルートキット\n")
    r = subprocess.run(["make", "-j2", "owabi", "CFLAGS=-O1"], cwd=tree, capture_output=True, text=True,
                       env=dict(os.environ, MAKEFLAGS=""))
    if r.returncode != 0:
        print(r.stdout[-2000:], r.stderr[-2000:])
        return None
    return os.path.join(tree, "owabi")


# ---- a WARC reader, written from ISO 28500 (WARC 1.1) ----------------------

def gzip_members(data):
    """Each gzip member of data, decompressed on its own."""
    out, pos = [], 0
    while pos < len(data):
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        out.append(d.decompress(data[pos:]) + d.flush())
        rest = len(d.unused_data)
        used = len(data) - pos - rest
        if used <= 0:
            raise ValueError("no progress in gzip member at %d" % pos)
        pos += used
    return out


def parse_record(raw):
    head, sep, rest = raw.partition(b"\r\n\r\n")
    if not sep:
        raise ValueError("record without end of header")
    lines = head.split(b"\r\n")
    if lines[0] != b"WARC/1.1":
        raise ValueError("version line %r" % lines[0])
    fields = {}
    for ln in lines[1:]:
        k, _, v = ln.partition(b":")
        fields[k.decode().strip().lower()] = v.decode("utf-8").strip()
    n = int(fields["content-length"])
    block, trailer = rest[:n], rest[n:]
    if trailer != b"\r\n\r\n":
        raise ValueError("block not followed by CRLF CRLF (Content-Length wrong?)")
    return fields, block


def digest_ok(labelled, data):
    alg, _, value = labelled.partition(":")
    if alg != "sha256":
        return False
    want = hashlib.sha256(data).digest()
    try:
        got = base64.b32decode(value) if len(value) != 64 else bytes.fromhex(value)
    except Exception:
        return False
    return got == want


def http_parts(block):
    head, _, body = block.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = lines[0].decode()
    headers = {}
    for ln in lines[1:]:
        k, _, v = ln.partition(b":")
        headers[k.decode().strip().lower()] = v.decode().strip()
    return status, headers, body


def kill_loop(cmd_for, n, span):
    """Starts cmd_for(i) n times and kills each at a random moment within
    span seconds (about how long a whole run takes; early moments are
    covered by the first runs, which have the most to do)."""
    kills = 0
    for i in range(n):
        p = subprocess.Popen(cmd_for(i), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(random.uniform(0.3, 0.95) * span)
        if p.poll() is None:
            p.send_signal(signal.SIGKILL)
            kills += 1
        else:
            span *= 0.7   # the run was quicker than thought (less to do, an idle machine)
        p.wait()
    return kills


def main():
    os.makedirs(SITE)
    random.seed(20261206)
    write("rootkit.html", ROOTKIT)
    write("count.html", COUNT % "120")
    write("plain.txt", PLAIN)
    write("new-product.html", NOT_NOTICE)
    write("encoded.html", page("不正アクセスに関するお詫び", "<p>2026年2月2日</p><p>有限会社みずなら</p>"
                                "<p>当社サイトが不正アクセスを受け、お客様の氏名 55件が流出した可能性があります。</p>"))
    for f in ("cp932-sqli.html", "eucjp-table.html"):
        shutil.copy(os.path.join(ROOT, "fixtures", f), SITE)
    srv = Server()
    port = srv.port
    base = "http://127.0.0.1:%d/" % port
    names = ["rootkit.html", "count.html", "plain.txt", "new-product.html", "cp932-sqli.html",
             "eucjp-table.html"]
    sources = os.path.join(TMP, "sources.txt")
    with open(sources, "w") as f:
        for n in names:
            f.write(base + n + "\n")
        f.write(base + "gz/encoded.html\n")
    sent = {base + n: open(os.path.join(SITE, n), "rb").read() for n in names}
    sent[base + "gz/encoded.html"] = open(os.path.join(SITE, "encoded.html"), "rb").read()
    db = os.path.join(TMP, "store.db")
    out = os.path.join(TMP, "out.jsonl")

    # 1. ingest archives
    r = ingest(db, sources, out)
    check(r.returncode == 0, "ingest: exit 0 (%d: %s)" % (r.returncode, r.stderr[-300:]))
    bodies = q(db, "SELECT sha256, size FROM bodies")
    check(len(bodies) == len(sent), "one archived body per page (%d bodies, %d pages)" % (len(bodies), len(sent)))
    check({b[0] for b in bodies} == {hashlib.sha256(v).hexdigest() for v in sent.values()},
          "the archive's keys are the SHA-256 of what the server sent")
    check(all(b[1] == len(sent[u]) for u, b in
              ((u, q(db, "SELECT sha256, size FROM bodies WHERE sha256 = ?", hashlib.sha256(v).hexdigest())[0])
               for u, v in sent.items())), "sizes are the bodies' lengths")
    stored = sum(len(x[0]) for x in q(db, "SELECT data FROM bodies"))
    check(stored < sum(len(v) for v in sent.values()), "bodies are stored compressed (%d bytes for %d)"
          % (stored, sum(len(v) for v in sent.values())))
    enc = q(db, "SELECT f.content_encoding, f.content_type FROM fetches f JOIN pages p ON p.id = f.page_id"
                " WHERE p.url = ?", base + "gz/encoded.html")
    check(enc == [("gzip", "text/html; charset=utf-8")], "the fetch keeps Content-Encoding and Content-Type (%r)" % enc)
    recs = q(db, "SELECT r.fetch_id, r.cause, r.build FROM records r")
    check(len(recs) == 6 and all(x[0] and x[1] == "page" and x[2].startswith("owabi ") for x in recs),
          "six records, each naming its fetch, cause 'page' and its build (%r)" % recs[:2])
    check(q(db, "PRAGMA user_version") == [(3,)], "the store is at schema version 3")

    # 2. the server is gone: reextract still reads every page, and changes nothing
    srv.stop()
    r = run("reextract", "--db", db, "--out", out, "--jobs", "2")
    check(r.returncode == 0, "reextract offline: exit 0 (%s)" % r.stderr[-300:])
    check("7 pages read, 0 records changed" in r.stderr, "reextract offline: every page read, none changed (%s)"
          % r.stderr.strip())
    before = q(db, "SELECT count(*) FROM records")[0][0]

    # 3. one vocabulary line more: a revision for exactly the page it concerns
    tb = test_build()
    check(tb is not None, "the test build with one vocabulary line added builds")
    if tb:
        r = run("reextract", "--db", db, "--out", out, "--jobs", "2", binary=tb)
        check(r.returncode == 0 and "1 records changed (0 new)" in r.stderr,
              "the test build changes exactly one record (%s)" % r.stderr.strip())
        new = q(db, "SELECT p.url, r.revision, r.cause, r.build, r.json FROM records r JOIN pages p ON p.id = r.page_id"
                    " WHERE r.id > (SELECT max(id) - 1 FROM records)")
        check(len(new) == 1 and new[0][0] == base + "rootkit.html" and new[0][1] == 2 and new[0][2] == "extractor",
              "the new revision is the rootkit page's second, made by the extractor (%r)" % [x[:3] for x in new])
        check(new and "malware" in json.loads(new[0][4])["attack"]["methods"], "it now names malware")
        builds = {x[0] for x in q(db, "SELECT build FROM records")}
        check(len(builds) == 2, "the two builds are told apart by their rules digest (%r)" % builds)
        r = run("reextract", "--db", db, "--jobs", "1", binary=tb)
        check("0 records changed" in r.stderr, "reextract again with the same build changes nothing")
        r = run("history", "--db", db, base + "rootkit.html")
        check(r.returncode == 0 and "changed by the extractor" in r.stdout and "attack.methods:" in r.stdout
              and "malware" in r.stdout, "history names the extractor and the methods change:\n" + r.stdout[-600:])

    # 4. a page changed on the server: a page revision with its diff
    write("count.html", COUNT % "4519")
    sent[base + "count.html"] = open(os.path.join(SITE, "count.html"), "rb").read()
    srv_h = None
    for _ in range(50):   # the same URLs: the server comes back on its port
        try:
            srv_h = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
            threading.Thread(target=srv_h.serve_forever, daemon=True).start()
            break
        except OSError:
            time.sleep(0.1)
    check(srv_h is not None, "the server comes back on its port")
    r = ingest(db, sources, out)
    check(r.returncode == 0, "ingest of the changed page: exit 0 (%s)" % r.stderr[-300:])
    r = run("history", "--db", db, base + "count.html")
    check(r.returncode == 0 and "affected.total: 120 → 4519" in r.stdout, "history shows the changed total:\n" + r.stdout)
    check("changed by the page" in r.stdout and "\n    -" in r.stdout and "\n    +" in r.stdout and "4519件" in r.stdout,
          "history shows a diff of the text with the changed line")
    r = run("history", "--db", db, "--format", "jsonl", base + "count.html")
    lines = [json.loads(x) for x in r.stdout.splitlines()]
    check(len(lines) == 2 and lines[1]["cause"] == "page"
          and {"field": "affected.total", "from": 120, "to": 4519} in lines[1]["changes"]
          and "+" in (lines[1]["diff"] or ""), "history --format jsonl: two revisions, the change and the diff")
    r = run("history", "--db", db, base + "nowhere.html")
    check(r.returncode == 1 and "not in the store" in r.stderr, "history of an unknown URL: exit 1 with a reason")

    # 5. WARC, read back by the reader above
    warc = os.path.join(TMP, "notices.warc.gz")
    with open(warc, "wb") as f:
        r = subprocess.run([OWABI, "export", "--db", db, "--format", "warc"], stdout=f, stderr=subprocess.PIPE)
    check(r.returncode == 0, "export --format warc: exit 0 (%s)" % r.stderr.decode()[-300:])
    data = open(warc, "rb").read()
    try:
        members = gzip_members(data)
        records = [parse_record(m) for m in members]
    except Exception as e:
        members, records = [], []
        check(False, "the WARC reads: %s" % e)
    fetches = q(db, "SELECT count(*) FROM fetches")[0][0]
    check(len(records) == fetches + 1 and records[0][0].get("warc-type") == "warcinfo",
          "a warcinfo record, then one record per archived fetch (%d records, %d fetches)" % (len(records), fetches))
    ids = set()
    bodies_ok = digests_ok = 0
    last_body = {}
    for fields, block in records[1:]:
        check(fields.get("warc-type") == "response" and fields.get("content-type") == "application/http;msgtype=response",
              "a response record")
        ids.add(fields.get("warc-record-id"))
        status, headers, body = http_parts(block)
        digests_ok += digest_ok(fields.get("warc-block-digest", ""), block) and \
            digest_ok(fields.get("warc-payload-digest", ""), body)
        uri = fields.get("warc-target-uri")
        last_body[uri] = body
        check(status == "HTTP/1.1 200 OK" and int(headers["content-length"]) == len(body), "status line and length")
        check(len(fields.get("warc-date", "")) == 20 and fields["warc-date"].endswith("Z"), "WARC-Date is UTC")
        if uri == base + "gz/encoded.html":
            check(fields.get("warc-owabi-decoded-content-encoding") == "gzip" and "content-encoding" not in headers,
                  "the undone Content-Encoding is noted, not sent again")
    check(digests_ok == len(records) - 1, "every block and payload digest verifies (%d of %d)"
          % (digests_ok, len(records) - 1))
    check(len(ids) == len(records) - 1, "record IDs are distinct")
    check(all(last_body.get(u) == b for u, b in sent.items()),
          "the last archived body of every URL equals what the server sent")
    r = run("export", "--db", db, "--format", "warc", "--all")
    check(r.returncode == 2, "export --format warc --all: a usage error")

    # 6. a damaged body is reported, never used
    dam = copy_store(db, "damaged.db")
    c = sqlite3.connect(dam)
    sha = hashlib.sha256(sent[base + "plain.txt"]).hexdigest()
    c.execute("UPDATE bodies SET data = ? WHERE sha256 = ?", (zlib.compress("改ざんされた本文".encode()), sha))
    c.commit()
    c.close()
    r = run("reextract", "--db", dam)
    check(r.returncode == 1 and "does not match its SHA-256" in r.stderr and "1 errors" in r.stderr,
          "reextract reports the damaged body and goes on (%s)" % r.stderr.strip())
    with open(os.path.join(TMP, "d.warc.gz"), "wb") as f:
        r = subprocess.run([OWABI, "export", "--db", dam, "--format", "warc"], stdout=f, stderr=subprocess.PIPE)
    check(r.returncode == 1 and b"left out" in r.stderr, "export leaves a damaged body out and says so")

    # 6b. a full disk while archiving: the file size limit makes every write
    # past it fail (EFBIG, SIGXFSZ ignored); the store stays as it was
    import resource
    full = copy_store(db, "full.db")
    c = sqlite3.connect(full)
    c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    c.close()
    before = q(full, "SELECT count(*) FROM records")[0][0], q(full, "SELECT count(*) FROM bodies")[0][0]
    big = os.path.join(TMP, "big.txt")
    with open(big, "w") as f:
        for i in range(40):
            n = "big-%02d.html" % i
            write(n, page("不正アクセスに関するお詫び", "<p>株式会社こまち%02d</p><p>当社サイトが不正アクセスを受け、"
                          "お客様の氏名 %d件が流出した可能性があります。</p>" % (i, 10 + i) + FILLER))
            f.write(base + n + "\n")
    limit = os.path.getsize(full) + 64 * 1024

    def small_disk():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    r = subprocess.run([OWABI, "ingest", "--quiet", "--allow-private", "--delay", "0", "--sources", big, "--db", full],
                       capture_output=True, text=True, preexec_fn=small_disk)
    check(r.returncode == 1 and ("full" in r.stderr or "disk" in r.stderr or "I/O" in r.stderr
                                 or "too large" in r.stderr),
          "ingest on a full disk stops with a reason (exit %d: %s)" % (r.returncode, r.stderr.strip()[-200:]))
    check(q(full, "PRAGMA integrity_check") == [("ok",)], "the store is whole after the full disk")
    missing = q(full, "SELECT count(*) FROM records r LEFT JOIN fetches f ON f.id = r.fetch_id"
                      " LEFT JOIN bodies b ON b.sha256 = f.sha256 WHERE r.fetch_id IS NOT NULL AND b.sha256 IS NULL")[0][0]
    after = q(full, "SELECT count(*) FROM records")[0][0], q(full, "SELECT count(*) FROM bodies")[0][0]
    check(missing == 0 and after[0] - before[0] == after[1] - before[1] and after[0] - before[0] < 40,
          "every record that made it has its body, and the disk stopped it part-way (%r -> %r)" % (before, after))
    r = ingest(full, big)
    check(r.returncode == 0 and q(full, "SELECT count(*) FROM records")[0][0] == before[0] + 40,
          "with room again, the next run stores the rest")

    # 7. kills: ingest and reextract, 20 times each, into one --out file
    bulk = os.path.join(TMP, "bulk.txt")
    with open(bulk, "w") as f:
        for i in range(400):
            n = "bulk-%03d.html" % i
            # long enough (about 30 KB) that a reextract run takes a while to kill
            write(n, page("不正アクセスに関するお詫び", "<p>2026年3月%d日</p><p>株式会社なぎさ%03d</p>"
                          "<p>当社サイトが不正アクセスを受け、お客様の氏名とメールアドレス %d件が流出した可能性があります。</p>"
                          % (i % 28 + 1, i, 100 + i) + FILLER))
            f.write(base + n + "\n")
    kdb = os.path.join(TMP, "kill.db")
    kout = os.path.join(TMP, "kill.jsonl")
    ingest(os.path.join(TMP, "timing.db"), bulk)
    t0 = time.time()   # a run that finds everything unchanged: the shortest
    ingest(os.path.join(TMP, "timing.db"), bulk)
    span = time.time() - t0
    k1 = kill_loop(lambda i: [OWABI, "ingest", "--quiet", "--allow-private", "--delay", "0", "--parallel", "4",
                              "--sources", bulk, "--db", kdb, "--out", kout], 20, span)
    r = ingest(kdb, bulk, kout)
    check(r.returncode == 0, "ingest after the kills completes (%s)" % r.stderr[-200:])
    builds = [OWABI, tb] if tb else [OWABI]
    # each reextract alternates the build, so each has work to do
    for i in range(0, 400, 20):   # spread out, so that every run commits some
        write("bulk-%03d.html" % i, page("不正アクセスに関するお詫び", "<p>株式会社なぎさ%03d</p><p>サーバーにルートキットが"
                                         "設置され、不正アクセスを受けました。</p>" % i + FILLER))
    r = ingest(kdb, bulk, kout)
    t0 = time.time()
    run("reextract", "--quiet", "--jobs", "2", "--db", os.path.join(TMP, "timing.db"))
    span = time.time() - t0
    k2 = kill_loop(lambda i: [builds[i % len(builds)], "reextract", "--quiet", "--jobs", "2", "--db", kdb,
                              "--out", kout], 20, span)
    r = run("reextract", "--quiet", "--db", kdb, "--out", kout)
    check(r.returncode == 0, "reextract after the kills completes")
    check(q(kdb, "PRAGMA integrity_check") == [("ok",)], "integrity_check ok after %d + %d kills" % (k1, k2))
    missing = q(kdb, "SELECT count(*) FROM records r LEFT JOIN fetches f ON f.id = r.fetch_id"
                     " LEFT JOIN bodies b ON b.sha256 = f.sha256 WHERE b.sha256 IS NULL")[0][0]
    check(missing == 0, "every stored record's body is archived (%d missing)" % missing)
    n = q(kdb, "SELECT count(*) FROM records")[0][0]
    lines = [x for x in open(kout, encoding="utf-8").read().split("\n") if x]
    check(len(lines) == n and all(json.loads(x)["is_incident"] for x in lines),
          "the out file holds every record exactly once (%d lines, %d records)" % (len(lines), n))
    check(q(kdb, "SELECT count(*) FROM records WHERE out_pending IS NOT NULL") == [(0,)], "nothing left pending")
    check(k1 >= 14 and k2 >= 14, "most runs were killed mid-way (ingest %d, reextract %d of 20)" % (k1, k2))
    by = q(kdb, "SELECT count(*) FROM records WHERE cause = 'extractor'")[0][0]
    check(by > 0, "the killed reextract runs committed revisions (%d)" % by)
    print("kills: ingest %d, reextract %d; %d records" % (k1, k2, n))
    if srv_h:
        srv_h.shutdown()
        srv_h.server_close()


try:
    main()
except Exception as e:
    import traceback
    traceback.print_exc()
    failed += 1
finally:
    shutil.rmtree(TMP, ignore_errors=True)
print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
