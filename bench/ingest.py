#!/usr/bin/env python3
"""Ingest's parallel parsing: python3 bench/ingest.py OWABI [OTHER_OWABI...]

Serves 500 notice pages (bench/out/batch, made by bench/gen.py, each made
unique by a comment) from four loopback origins -- ingest asks one host one
thing at a time, so four hosts let --parallel 4 keep four requests going --
each with a robots.txt and a sitemap, and runs a fresh `owabi ingest
--parallel 4 --delay 0` over them with each binary given.  Prints wall
time, CPU time (user + system) and their ratio: above 1 means more than one
core worked.  Standard library only; everything on 127.0.0.1."""
import glob
import http.server
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time

PAGES, ORIGINS = 500, 4


def serve(bodies):
    """Starts ORIGINS servers; returns their base URLs."""
    bases = []
    for k in range(ORIGINS):
        mine = {"/news/owabi-%03d.html" % i: b for i, b in enumerate(bodies) if i % ORIGINS == k}

        class H(http.server.BaseHTTPRequestHandler):
            pages = mine

            def do_GET(self):
                if self.path == "/robots.txt":
                    body, ct = b"User-agent: *\nAllow: /\n", "text/plain"
                elif self.path == "/sitemap.xml":
                    base = "http://127.0.0.1:%d" % self.server.server_port
                    locs = "".join("<url><loc>%s%s</loc></url>" % (base, p) for p in sorted(self.pages))
                    body = ('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns='
                            '"http://www.sitemaps.org/schemas/sitemap/0.9">%s</urlset>' % locs).encode()
                    ct = "application/xml"
                elif self.path in self.pages:
                    body, ct = self.pages[self.path], "text/html"
                else:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", ct)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *a):
                pass

        srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        bases.append("http://127.0.0.1:%d" % srv.server_port)
    return bases


def run(owabi, sources, tmp):
    db = os.path.join(tmp, "bench.db")
    for f in glob.glob(db + "*"):
        os.unlink(f)
    t0 = time.perf_counter()
    p = subprocess.Popen([owabi, "ingest", "--sources", sources, "--db", db, "--delay", "0",
                          "--parallel", "4", "--allow-private", "--quiet"])
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    import sqlite3
    con = sqlite3.connect(db)
    n = con.execute("select count(*) from records").fetchone()[0]
    con.close()
    return wall, ru.ru_utime + ru.ru_stime, n, p.returncode


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    batch = sorted(glob.glob("bench/out/batch/page-*.html"))
    if not batch:
        sys.exit("bench/ingest.py: no bench/out/batch (run bench/gen.py)")
    tpl = [open(f, "rb").read() for f in batch]
    bodies = [tpl[i % len(tpl)] + b"\n<!-- %d -->\n" % i for i in range(PAGES)]
    bases = serve(bodies)
    tmp = tempfile.mkdtemp(prefix="owabi-bench-")
    try:
        sources = os.path.join(tmp, "sources.txt")
        with open(sources, "w") as f:
            f.write("".join(b + "/sitemap.xml\n" for b in bases))
        print("\ningest: %d pages of ~12 KB from %d loopback hosts, --parallel 4 --delay 0, %d cores"
              % (PAGES, ORIGINS, os.cpu_count()))
        print("  %-28s %8s %8s %9s %8s" % ("binary", "wall s", "cpu s", "cpu/wall", "records"))
        for owabi in sys.argv[1:]:
            wall, cpu, n, rc = run(owabi, sources, tmp)
            print("  %-28s %8.2f %8.2f %9.2f %8d%s" % (owabi[-28:], wall, cpu, cpu / wall, n,
                                                       "" if rc == 0 else "  (exit %d)" % rc))
    finally:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
