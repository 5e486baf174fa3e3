#!/usr/bin/env python3
"""End-to-end tests of `owabi parse URL` against tests/fetch/server.py.

    python3 tests/fetch/test_fetch.py [OWABI]   (from the repo root; default
                                                 $OWABI, else ./owabi)

Starts the test server on 127.0.0.1 (ephemeral port), runs the real binary
on its URLs and checks the record fields or the error line of each.  Every
URL is 127.0.0.1, localhost or [::1] and the proxy variables are removed, so
nothing here touches the internet.  Prints one line per failed check and a
last line `N passed, M failed`; exits 1 on any failure.  With OW_SANITIZED
set (an ASan build) the time and memory bounds are relaxed.
"""
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import server  # noqa: E402  (the fixtures: the bytes each route serves)

OWABI = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("OWABI", "./owabi")
SANITIZED = bool(os.environ.get("OW_SANITIZED"))
SLOW = 3 if SANITIZED else 1

ENV = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
ENV["NO_COLOR"] = "1"

passed = 0
failed = 0


def check(name, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL %s%s" % (name, (": " + detail) if detail else ""))


def sha(b):
    return hashlib.sha256(b).hexdigest()


class Run:
    pass


def run(args, timeout=60):
    """Runs `owabi parse --jsonl ARGS`; returns exit code, stdout, stderr,
    seconds taken and the peak RSS in KiB of that one process."""
    r = Run()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.monotonic()
        p = subprocess.Popen([OWABI, "parse", "--jsonl"] + args, stdout=out, stderr=err,
                             stdin=subprocess.DEVNULL, env=ENV)
        r.code, r.maxrss = None, 0
        while True:
            pid, status, usage = os.wait4(p.pid, os.WNOHANG)
            if pid:
                r.code = os.waitstatus_to_exitcode(status)
                r.maxrss = usage.ru_maxrss
                p.returncode = r.code
                break
            if time.monotonic() - t0 > timeout:
                p.kill()
                os.wait4(p.pid, 0)
                p.returncode = r.code = "killed after %ds" % timeout
                break
            time.sleep(0.01)
        r.secs = time.monotonic() - t0
        out.seek(0)
        err.seek(0)
        r.out = out.read().decode("utf-8", "replace")
        r.err = err.read().decode("utf-8", "replace")
    r.records = []
    for line in r.out.splitlines():
        try:
            r.records.append(json.loads(line))
        except ValueError:
            r.records.append({"unparsable": line})
    return r


def start_server(logfile):
    p = subprocess.Popen([sys.executable, os.path.join(HERE, "server.py"), logfile, "300"],
                         stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
    port = int(p.stdout.readline())
    return p, port


def requests(logfile):
    """Paths asked for so far, in order."""
    with open(logfile, encoding="utf-8") as f:
        return [line.split("\t")[0].split(" ", 1)[1] for line in f if line.strip()]


def log_fields(logfile, path):
    with open(logfile, encoding="utf-8") as f:
        for line in f:
            fields = line.rstrip("\n").split("\t")
            if fields[0].split(" ", 1)[1] == path:
                return fields
    return None


ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def expect_record(name, r, url, src, final=None):
    """One record, exit 0, and the given source fields."""
    check(name + " exit 0", r.code == 0, "exit %s, stderr %r" % (r.code, r.err))
    check(name + " one record", len(r.records) == 1, "%d records" % len(r.records))
    if len(r.records) != 1:
        return
    s = r.records[0].get("source", {})
    check(name + " source.url", s.get("url") == url, repr(s.get("url")))
    check(name + " source.final_url", s.get("final_url") == (final or url), repr(s.get("final_url")))
    fa = s.get("fetched_at") or ""
    ok = bool(ISO.match(fa))
    if ok:
        t = time.mktime(time.strptime(fa, "%Y-%m-%dT%H:%M:%SZ")) - time.mktime(time.gmtime(0))
        ok = abs(t - time.time()) < 300
    check(name + " source.fetched_at", ok, repr(fa))
    for k, v in src.items():
        check("%s source.%s" % (name, k), s.get(k) == v, "got %r, want %r" % (s.get(k), v))


def expect_error(name, r, url, reason):
    """No record, exit 1, and exactly `owabi: URL: REASON...` on stderr."""
    check(name + " exit 1", r.code == 1, "exit %s" % r.code)
    check(name + " no record", r.out == "", repr(r.out[:200]))
    lines = r.err.splitlines()
    want = "owabi: %s: %s" % (url, reason)
    check(name + " error line", len(lines) == 1 and lines[0].startswith(want),
          "got %r, want %r..." % (r.err.strip()[:300], want))


def main():
    if not os.access(OWABI, os.X_OK):
        print("FAIL no executable %s (build it first)" % OWABI)
        print("0 passed, 1 failed")
        return 1
    tmp = tempfile.mkdtemp(prefix="owabi-fetch-")
    logfile = os.path.join(tmp, "requests.log")
    srv, port = start_server(logfile)
    base = "http://127.0.0.1:%d" % port
    ap = ["--allow-private"]
    utf8 = {"http_status": 200, "content_type": "text/html", "charset": "UTF-8",
            "charset_source": "http", "bytes": len(server.UTF8_PAGE),
            "sha256": sha(server.UTF8_PAGE)}
    try:
        # --- pages that must come through whole ----------------------------
        u = base + "/notice.html"
        expect_record("utf8", run(ap + [u]), u,
                      dict(utf8, etag=None, last_modified=None, decode_errors=0))
        f = log_fields(logfile, "/notice.html")
        check("user-agent names owabi and its version",
              f is not None and re.match(r"^owabi/\d+\.\d+\.\d+", f[1]), repr(f and f[1]))
        check("accept-language ja", f is not None and f[2] == "ja", repr(f and f[2]))
        check("accept-encoding offers gzip and deflate",
              f is not None and "gzip" in f[3] and "deflate" in f[3], repr(f and f[3]))

        u = base + "/sjis"
        expect_record("charset only in header", run(ap + [u]), u, {
            "http_status": 200, "content_type": "text/html", "charset": "windows-31j",
            "charset_declared": "Shift_JIS", "charset_source": "http",
            "charset_fallback": False, "decode_errors": 0,
            "bytes": len(server.SJIS_PAGE), "sha256": sha(server.SJIS_PAGE)})

        u = base + "/lying-meta"
        expect_record("lying meta", run(ap + [u]), u, {
            "charset": "UTF-8", "charset_source": "http", "charset_fallback": False,
            "decode_errors": 0, "sha256": sha(server.LYING_PAGE)})

        for enc in ("gzip", "deflate"):
            u = base + "/" + enc
            expect_record(enc + " body", run(ap + [u]), u, utf8)

        u = base + "/no-type"
        expect_record("no content-type", run(ap + [u]), u,
                      {"content_type": None, "charset_source": "meta"})

        # --- redirects -------------------------------------------------------
        u = base + "/chain/1"
        before = len(requests(logfile))
        expect_record("redirect chain", run(ap + [u]), u, utf8, final=base + "/notice.html")
        check("redirect chain: 3 hops", requests(logfile)[before:] ==
              ["/chain/1", "/chain/2", "/chain/3", "/notice.html"], repr(requests(logfile)[before:]))

        u = base + "/loop/a"
        expect_error("redirect loop", run(ap + [u]), u, "too many redirects")
        before = len(requests(logfile))
        expect_error("redirect loop, --max-redirects 3", run(ap + ["--max-redirects", "3", u]), u,
                     "too many redirects (more than 3)")
        check("redirect loop: 1 + 3 requests", len(requests(logfile)) - before == 4,
              repr(requests(logfile)[before:]))
        u = base + "/to-file"
        expect_error("redirect to file://", run(ap + [u]), u,
                     "redirect to a non-HTTP scheme refused: file:///etc/passwd")
        u = base + "/to-ftp"
        expect_error("redirect to ftp://", run(ap + [u]), u,
                     "redirect to a non-HTTP scheme refused: ftp://")
        # the target named, not the URL asked for (which it was for these)
        u = base + "/to-js"
        expect_error("redirect to javascript:", run(ap + [u]), u,
                     "redirect to a non-HTTP scheme refused: javascript:alert(document.domain)")
        u = base + "/to-data"
        expect_error("redirect to data:", run(ap + [u]), u,
                     "redirect to a non-HTTP scheme refused: "
                     "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==")
        u = base + "/to-esc"
        expect_error("redirect to a target with controls", run(ap + [u]), u,
                     "redirect to a non-HTTP scheme refused: javascript:%1B]0;owned%07")

        # --- statuses and retries --------------------------------------------
        for code in (404, 500):
            u = base + "/status/%d" % code
            expect_error("HTTP %d" % code, run(ap + [u]), u, "HTTP %d" % code)

        u = base + "/503"
        expect_error("503 without Retry-After", run(ap + [u]), u, "HTTP 503")
        check("503 without Retry-After: not retried", requests(logfile).count("/503") == 1)

        u = base + "/retry429?k=1"
        r = run(ap + [u])
        expect_record("429 + Retry-After: 1", r, u, utf8)
        check("429: exactly one retry", requests(logfile).count("/retry429?k=1") == 2,
              repr(requests(logfile).count("/retry429?k=1")))
        check("429: waited about 1 s", 0.9 <= r.secs < 5 * SLOW, "%.2f s" % r.secs)

        u = base + "/retry-date?k=1"
        r = run(ap + [u])
        expect_record("503 + Retry-After as an HTTP date", r, u, utf8)
        check("503 date: one retry", requests(logfile).count("/retry-date?k=1") == 2)

        u = base + "/retry-long?k=1"
        r = run(ap + ["--retry-after-max", "1", u])
        expect_record("Retry-After: 3600 capped by --retry-after-max 1", r, u, utf8)
        check("Retry-After capped: quick", r.secs < 5 * SLOW, "%.2f s" % r.secs)

        u = base + "/retry-forever?k=1"
        expect_error("429 forever, --retries 2", run(ap + ["--retries", "2", u]), u, "HTTP 429")
        check("429 forever: 1 + 2 requests", requests(logfile).count("/retry-forever?k=1") == 3,
              repr(requests(logfile).count("/retry-forever?k=1")))
        u = base + "/retry-forever?k=2"
        expect_error("429, --retries 0", run(ap + ["--retries", "0", u]), u, "HTTP 429")
        check("429, --retries 0: 1 request", requests(logfile).count("/retry-forever?k=2") == 1)

        # --- limits ------------------------------------------------------------
        u = base + "/stall"
        r = run(ap + ["--stall-time", "1", u])
        expect_error("stalled body", r, u, "stalled: fewer than")
        check("stall caught before the server resumes (6 s)", r.secs < 5, "%.2f s" % r.secs)

        u = base + "/slow"
        r = run(ap + ["--timeout", "2", u])
        expect_error("trickling body, --timeout 2", r, u, "deadline of 2000 ms exceeded")
        check("deadline kept", 1.9 <= r.secs < 4 * SLOW, "%.2f s" % r.secs)

        u = base + "/big"
        expect_error("2 MB body, --max-body 1M", run(ap + ["--max-body", "1M", u]), u,
                     "body larger than 1048576 bytes")
        u = base + "/big-close"
        expect_error("2 MB body without Content-Length", run(ap + ["--max-body", "1M", u]), u,
                     "body larger than 1048576 bytes (after decompression)")

        u = base + "/bomb"
        r = run(ap + ["--max-body", "4M", u])
        expect_error("gzip bomb (1 GiB of zeros)", r, u,
                     "body larger than 4194304 bytes (after decompression)")
        limit = 768 if SANITIZED else 160
        check("gzip bomb: memory bounded", r.maxrss < limit * 1024,
              "peak RSS %d KiB" % r.maxrss)
        check("gzip bomb: stopped quickly", r.secs < 5 * SLOW, "%.2f s" % r.secs)

        # --- bodies that end early, types --------------------------------------
        u = base + "/chunked-trunc"
        expect_error("truncated chunked body", run(ap + [u]), u, "transfer ended early: ")
        u = base + "/short"
        expect_error("connection closed mid-body", run(ap + [u]), u, "transfer ended early: ")
        u = base + "/png"
        expect_error("image/png", run(ap + [u]), u, "unsupported content type: image/png")
        # PDFs are parsed (tests/pdf/ checks their records); a body sent as
        # application/octet-stream is read only when it is a PDF.
        u = base + "/octet"
        expect_error("application/octet-stream, not a PDF", run(ap + [u]), u,
                     "unsupported content type: application/octet-stream")

        u = base + "/etag"
        expect_record("ETag and Last-Modified", run(ap + [u]), u, dict(
            utf8, etag='"minamo-v1"', last_modified="Fri, 14 Mar 2025 09:00:00 GMT"))

        # --- several URLs: input order, concurrency, exit status ---------------
        urls = [base + p for p in ("/retry429?k=order", "/sjis", "/status/404", "/gzip",
                                   "/notice.html?k=order")]
        before = len(requests(logfile))
        r = run(ap + ["--parallel", "1"] + urls)
        got = [x.get("source", {}).get("url") for x in r.records]
        check("many: records in input order", got == [urls[0], urls[1], urls[3], urls[4]], repr(got))
        check("many: exit 1 when one failed", r.code == 1, "exit %s" % r.code)
        check("many: the failure named", r.err.strip() == "owabi: %s: HTTP 404" % urls[2],
              repr(r.err))
        # With one slot, the 429 waiting out its Retry-After must not hold it.
        seq = requests(logfile)[before:]
        check("many: others fetched while a retry waits",
              seq and seq[0] == "/retry429?k=order" and seq[-1] == "/retry429?k=order"
              and len(seq) == 6, repr(seq))

        # At most --parallel transfers at once: four 1-second deadlines, two
        # slots, two waves.
        urls = [base + "/slow?k=par%d" % i for i in range(4)]
        r = run(ap + ["--parallel", "2", "--timeout", "1"] + urls)
        check("parallel 2: four deadlines in two waves", 1.9 <= r.secs < 3.5 * SLOW,
              "%.2f s" % r.secs)
        check("parallel 2: four errors", len(r.err.splitlines()) == 4 and r.code == 1,
              repr(r.err))

        # --- the SSRF guard -------------------------------------------------------
        for host, shown in (("127.0.0.1", "127.0.0.1"), ("[::1]", "::1"),
                            ("0x7f.0.0.1", "127.0.0.1"), ("2130706433", "127.0.0.1")):
            u = "http://%s:%d/notice.html?ssrf=%s" % (host, port, host)
            expect_error("SSRF literal " + host, run([u]), u,
                         "address %s not allowed: loopback (use --allow-private)" % shown)
        u = "http://localhost:%d/notice.html?ssrf=name" % port
        r = run([u])
        expect_error("SSRF by name (resolved address)", r, u, "address ")
        check("SSRF by name: says loopback", "not allowed: loopback" in r.err, repr(r.err))
        check("SSRF: the server never saw a refused request",
              not [p for p in requests(logfile) if "ssrf=" in p],
              repr([p for p in requests(logfile) if "ssrf=" in p]))
    finally:
        srv.kill()
        srv.wait()
        for name in os.listdir(tmp):
            os.unlink(os.path.join(tmp, name))
        os.rmdir(tmp)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
