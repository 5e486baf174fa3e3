#!/usr/bin/env python3
"""Test HTTP server for owabi's fetch stage (Python 3 standard library only).

    python3 tests/fetch/server.py LOGFILE [LIFETIME_SECONDS]

Binds 127.0.0.1 on an ephemeral port, prints the port as the first line of
stdout, and appends one line per request to LOGFILE:
    METHOD PATH<TAB>User-Agent<TAB>Accept-Language<TAB>Accept-Encoding<TAB>If-None-Match<TAB>If-Modified-Since
It exits by itself after LIFETIME_SECONDS (default 600) so a crashed test
never leaves it behind.  Every page is an invented notice (no real company).

Retry routes count hits per path including the query, so /retry429?k=1 and
/retry429?k=2 each see one 429 first.

Routes: /notice.html /sjis /lying-meta /gzip /deflate /chain/1 (3 hops)
/loop/a /to-file /to-ftp /to-js /to-data /to-esc /status/404 /status/500 /retry429 /retry-date
/retry-long /retry-forever /503 /stall /slow /big /big-close /bomb /chunked-trunc /short
/pdf /etag /ctype-odd /empty /no-type /png /octet
/pdf-file/NAME /pdf-octet/NAME: the file NAME of the directory in $OW_PDF_DIR
(tests/pdf/ generates PDFs there), as application/pdf and as
application/octet-stream (a server that does not know the type).
"""
import email.utils
import gzip
import http.server
import os
import struct
import sys
import threading
import time
import zlib

NOTICE = """<!DOCTYPE html>
<html lang="ja"><head>{meta}<title>不正アクセスによる個人情報漏えいに関するお詫び</title></head>
<body>
<h1>不正アクセスによる個人情報漏えいに関するお詫び</h1>
<p class="date">2025年3月14日</p>
<p class="org">株式会社ミナモ電装</p>
<p>このたび、当社が運営する「ミナモ電装オンラインストア」において、第三者によるSQLインジェクション攻撃を受け、
2025年1月10日～2025年2月28日の期間にご登録いただいたお客様の個人情報（全120件）が漏えいした可能性があることが判明いたしました。</p>
<p>漏えいした可能性のある情報は、氏名、住所、電話番号、メールアドレスです。</p>
<p>お客様には多大なるご迷惑とご心配をおかけしますことを、深くお詫び申し上げます。</p>
</body></html>
"""

UTF8_PAGE = NOTICE.format(meta='<meta charset="utf-8">').encode("utf-8")
# Charset only in the HTTP header: no <meta> at all, CP932 bytes (～ is 0x8160).
SJIS_PAGE = NOTICE.format(meta="").encode("cp932")
# The <meta> lies (EUC-JP); the header (UTF-8) tells the truth.
LYING_PAGE = NOTICE.format(
    meta='<meta http-equiv="Content-Type" content="text/html; charset=EUC-JP">').encode("utf-8")
PDF = b"%PDF-1.4\n% invented test document\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)
# Neither text nor a PDF, sent as application/octet-stream.
OCTET = b"PK\x03\x04" + bytes(range(256))
BIG = UTF8_PAGE + b"<!-- " + b"x" * (2 * 1024 * 1024) + b" -->\n"
ETAG = '"minamo-v1"'
LAST_MODIFIED = "Fri, 14 Mar 2025 09:00:00 GMT"


def make_bomb(megabytes=1024):
    """gzip of `megabytes` MiB of zeros, ~1 MB compressed, built in <1 s.

    After a full flush deflate's state is reset, so compressing the same
    1 MiB of zeros again gives the same bytes: compress it twice and repeat
    the second chunk instead of compressing 1 GiB."""
    mib = bytes(1 << 20)
    c = zlib.compressobj(9, zlib.DEFLATED, 31)
    first = c.compress(mib) + c.flush(zlib.Z_FULL_FLUSH)
    again = c.compress(mib) + c.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(megabytes):
        crc = zlib.crc32(mib, crc)
    # 0x03 0x00: an empty final fixed-Huffman block (the stream is byte-aligned).
    return (first + again * (megabytes - 1) + b"\x03\x00" +
            struct.pack("<II", crc, (megabytes << 20) & 0xFFFFFFFF))


BOMB = b""  # built in main(), so that importing this module stays cheap
LOCK = threading.Lock()
HITS = {}


def hit(path):
    """How many times this path (query included) was asked for, this one too."""
    with LOCK:
        HITS[path] = HITS.get(path, 0) + 1
        return HITS[path]


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "owabi-test/1"

    def log_message(self, fmt, *args):
        pass

    def log_request_line(self):
        h = self.headers
        fields = [self.command + " " + self.path] + [
            (h.get(k) or "-") for k in ("User-Agent", "Accept-Language", "Accept-Encoding",
                                       "If-None-Match", "If-Modified-Since")]
        with LOCK, open(self.server.logfile, "a", encoding="utf-8") as f:
            f.write("\t".join(fields) + "\n")

    def send(self, status, body=b"", ctype="text/html; charset=utf-8", headers=()):
        self.send_response(status)
        if ctype:
            self.send_header("Content-Type", ctype)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def redirect(self, to, status=302):
        self.send(status, b"<p>moved</p>", headers=[("Location", to)])

    def raw_head(self, status, headers):
        """Headers written by hand, for bodies that break the rules; the
        connection is closed afterwards."""
        self.close_connection = True
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.flush()

    def do_GET(self):
        self.log_request_line()
        path = self.path.split("?", 1)[0]
        try:
            self.route(path)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def route(self, path):
        html = "text/html; charset=utf-8"
        if path == "/notice.html":
            self.send(200, UTF8_PAGE, html)
        elif path == "/sjis":
            self.send(200, SJIS_PAGE, "text/html; charset=Shift_JIS")
        elif path == "/lying-meta":
            self.send(200, LYING_PAGE, "text/html; charset=UTF-8")
        elif path == "/gzip":
            self.send(200, gzip.compress(UTF8_PAGE), html, [("Content-Encoding", "gzip")])
        elif path == "/deflate":
            self.send(200, zlib.compress(UTF8_PAGE), html, [("Content-Encoding", "deflate")])
        elif path.startswith("/chain/"):
            n = path[len("/chain/"):]
            self.redirect({"1": "/chain/2", "2": "/chain/3"}.get(n, "/notice.html"), 301)
        elif path == "/loop/a":
            self.redirect("/loop/b")
        elif path == "/loop/b":
            self.redirect("/loop/a")
        elif path == "/to-file":
            self.redirect("file:///etc/passwd")
        elif path == "/to-js":
            self.redirect("javascript:alert(document.domain)")
        elif path == "/to-data":
            self.redirect("data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==")
        elif path == "/to-esc":
            # a target that would write to the terminal
            self.redirect("javascript:\x1b]0;owned\x07")
        elif path == "/to-ftp":
            self.redirect("ftp://127.0.0.1/notice.html")
        elif path.startswith("/status/"):
            code = int(path[len("/status/"):])
            self.send(code, b"<html><body><h1>error page</h1></body></html>", html)
        elif path == "/retry429":
            if hit(self.path) == 1:
                self.send(429, b"slow down", "text/plain", [("Retry-After", "1")])
            else:
                self.send(200, UTF8_PAGE, html)
        elif path == "/retry-date":
            if hit(self.path) == 1:
                when = email.utils.formatdate(time.time() + 2, usegmt=True)
                self.send(503, b"busy", "text/plain", [("Retry-After", when)])
            else:
                self.send(200, UTF8_PAGE, html)
        elif path == "/retry-long":
            # Asks for an hour; the client's ceiling decides.
            if hit(self.path) == 1:
                self.send(429, b"slow down", "text/plain", [("Retry-After", "3600")])
            else:
                self.send(200, UTF8_PAGE, html)
        elif path == "/retry-forever":
            self.send(429, b"slow down", "text/plain", [("Retry-After", "0")])
        elif path == "/503":
            self.send(503, b"busy", "text/plain")
        elif path == "/stall":
            # Half the body, then silence well past the client's stall limit.
            self.raw_head(200, [("Content-Type", html), ("Content-Length", str(len(UTF8_PAGE)))])
            half = len(UTF8_PAGE) // 2
            self.wfile.write(UTF8_PAGE[:half])
            self.wfile.flush()
            time.sleep(6)
            self.wfile.write(UTF8_PAGE[half:])
        elif path == "/slow":
            # 4 bytes a second: never a stall at 1 byte/s, but endless.
            self.raw_head(200, [("Content-Type", "text/plain; charset=utf-8"),
                                ("Content-Length", "100000")])
            for _ in range(120):
                self.wfile.write(b"....")
                self.wfile.flush()
                time.sleep(1)
        elif path == "/big":
            self.send(200, BIG, html)
        elif path == "/big-close":
            # No Content-Length: only counting the body can stop it.
            self.raw_head(200, [("Content-Type", html), ("Connection", "close")])
            self.wfile.write(BIG)
        elif path == "/bomb":
            self.send(200, BOMB, html, [("Content-Encoding", "gzip")])
        elif path == "/chunked-trunc":
            self.raw_head(200, [("Content-Type", html), ("Transfer-Encoding", "chunked")])
            half = len(UTF8_PAGE) // 2
            for part in (UTF8_PAGE[:half], UTF8_PAGE[half:]):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
            self.wfile.flush()
            # ...and no terminating "0\r\n\r\n": the connection just closes.
        elif path == "/short":
            self.raw_head(200, [("Content-Type", html), ("Content-Length", str(len(UTF8_PAGE) + 500))])
            self.wfile.write(UTF8_PAGE)
        elif path == "/pdf":
            self.send(200, PDF, "application/pdf")
        elif path == "/png":
            self.send(200, PNG, "image/png")
        elif path == "/octet":
            self.send(200, OCTET, "application/octet-stream")
        elif path.startswith("/pdf-file/") or path.startswith("/pdf-octet/"):
            name = os.path.basename(path)
            folder = os.environ.get("OW_PDF_DIR", "")
            try:
                with open(os.path.join(folder, name), "rb") as f:
                    body = f.read()
            except OSError:
                self.send(404, b"not found", "text/plain")
                return
            ctype = "application/pdf" if path.startswith("/pdf-file/") else "application/octet-stream"
            self.send(200, body, ctype)
        elif path == "/etag":
            inm = self.headers.get("If-None-Match")
            ims = self.headers.get("If-Modified-Since")
            fresh = inm == ETAG
            if inm is None and ims:
                t = email.utils.parsedate_to_datetime(ims)
                fresh = t >= email.utils.parsedate_to_datetime(LAST_MODIFIED)
            hdrs = [("ETag", ETAG), ("Last-Modified", LAST_MODIFIED)]
            if fresh:
                self.send_response(304)
                for k, v in hdrs:
                    self.send_header(k, v)
                self.end_headers()
            else:
                self.send(200, UTF8_PAGE, html, hdrs)
        elif path == "/ctype-odd":
            # Upper case, spaces, a quoted charset and another parameter.
            self.send(200, NOTICE.format(meta="").replace("～", "〜").encode("euc-jp"),
                      'Text/HTML ; Charset="EUC-JP"; format=flowed')
        elif path == "/empty":
            self.send(200, b"", html)
        elif path == "/no-type":
            self.send(200, UTF8_PAGE, None)
        else:
            self.send(404, b"not found", "text/plain")


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # Clients that hang up early are what several routes are for.
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


def main():
    if len(sys.argv) < 2:
        sys.stderr.write("usage: server.py LOGFILE [LIFETIME_SECONDS]\n")
        sys.exit(2)
    global BOMB
    BOMB = make_bomb()
    life = float(sys.argv[2]) if len(sys.argv) > 2 else 600.0
    srv = Server(("127.0.0.1", 0), Handler)
    srv.logfile = sys.argv[1]
    open(srv.logfile, "w").close()
    print(srv.server_address[1], flush=True)
    threading.Timer(life, lambda: os._exit(0)).start()
    srv.serve_forever()


if __name__ == "__main__":
    main()
