#!/usr/bin/python3
"""End-to-end tests of PDF notices: `owabi parse` on PDFs that
tests/pdf/make_pdfs.py generates, checked against tests/pdf/expected.jsonl
(fields written by hand), the JSON Schema, and fetched over HTTP from
tests/fetch/server.py as application/pdf and as application/octet-stream.

    /usr/bin/python3 tests/pdf/test_pdf.py OWABI PDF_DIR   (from the repo root)

expected.jsonl: one case a line.  "fields" maps a dotted path to its value
("path~" means: a string that contains the value); "pages" maps an evidence
field to the page every evidence item of it must name; "order" lists pairs
of evidence fields whose first item must come on an earlier line; "xfail"
names fields known to be wrong today (printed, not counted; an xfail that
passes is printed as XPASS so that it can be promoted).  Prints one line per
failed check and `N passed, M failed` last; exits 1 on any failure.
"""
import json
import os
import subprocess
import sys
import time

import jsonschema

OWABI = sys.argv[1] if len(sys.argv) > 1 else "./owabi"
PDFS = sys.argv[2] if len(sys.argv) > 2 else "build/pdf-fixtures"
HERE = os.path.dirname(os.path.abspath(__file__))
SANITIZED = bool(os.environ.get("OW_SANITIZED"))
ENV = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}

with open("schema/record.schema.json", encoding="utf-8") as f:
    VALIDATOR = jsonschema.Draft202012Validator(json.load(f))

passed = failed = 0


def check(name, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL %s%s" % (name, (": " + detail) if detail else ""))


def run(args, stdin=None):
    p = subprocess.run([OWABI, "parse", "--jsonl"] + args, stdin=stdin, capture_output=True,
                       env=ENV, timeout=120 if SANITIZED else 40)
    out = p.stdout.decode("utf-8")
    recs = [json.loads(line) for line in out.splitlines() if line.strip()]
    return p.returncode, recs, p.stderr.decode("utf-8", "replace")


def get(rec, path):
    cur = rec
    for k in path.split("."):
        if not isinstance(cur, dict) or k not in cur:
            return KeyError(path)
        cur = cur[k]
    return cur


def field_ok(rec, key, want):
    if key.endswith("~"):
        got = get(rec, key[:-1])
        return isinstance(got, str) and want in got, got
    got = get(rec, key)
    return got == want, got


def schema_ok(name, rec):
    errs = sorted(VALIDATOR.iter_errors(rec), key=lambda e: list(e.path))
    check(name + ": schema", not errs, errs and "%s at %s" % (errs[0].message, list(errs[0].path)))


def check_record(case, rec):
    name = case["case"]
    schema_ok(name, rec)
    xfail = set(case.get("xfail", []))
    for key, want in case.get("fields", {}).items():
        ok, got = field_ok(rec, key, want)
        if key in xfail:
            print("%s %s: %s: want %r, got %r" % ("XPASS" if ok else "xfail", name, key, want, got))
            continue
        check("%s: %s" % (name, key), ok, "want %r, got %r" % (want, got))
    ev = rec.get("evidence", [])
    for fld, page in case.get("pages", {}).items():
        items = [e for e in ev if e["field"] == fld]
        check("%s: evidence page of %s" % (name, fld),
              items and all(e["page"] == page for e in items),
              repr([(e["quote"], e["page"]) for e in items]))
    for a, b in case.get("order", []):
        la = [e["line"] for e in ev if e["field"] == a]
        lb = [e["line"] for e in ev if e["field"] == b]
        check("%s: %s reads before %s" % (name, a, b), la and lb and min(la) < min(lb),
              "lines %r, %r" % (la, lb))


def main():
    cases = [json.loads(line) for line in open(os.path.join(HERE, "expected.jsonl"), encoding="utf-8")
             if line.strip()]
    for case in cases:
        path = os.path.join(PDFS, case["file"])
        code, recs, err = run([path])
        name = case["case"]
        if case["expect"] == "record":
            check(name + ": exit 0", code == 0, "exit %s, stderr %r" % (code, err))
            check(name + ": one record", len(recs) == 1, "%d records" % len(recs))
            if recs:
                check_record(case, recs[0])
        else:
            check(name + ": exit 1", code == 1, "exit %s" % code)
            check(name + ": no record", not recs, "%d records" % len(recs))
            prefix = "owabi: %s: " % path
            line = err.strip()
            if "error" in case:
                check(name + ": error", line == prefix + case["error"], repr(line))
            else:
                check(name + ": error", line.startswith(prefix + case["error~"]), repr(line))

    # stdin, --id, several inputs in order (a failing one in the middle)
    with open(os.path.join(PDFS, "two-column.pdf"), "rb") as f:
        code, recs, err = run(["--id", "mizunara", "-"], stdin=f)
    check("stdin: record", code == 0 and len(recs) == 1, "exit %s %r" % (code, err))
    if recs:
        check("stdin: id", recs[0]["source"]["id"] == "mizunara", recs[0]["source"]["id"])
        check("stdin: path null", recs[0]["source"]["path"] is None)
        check("stdin: format", recs[0]["source"]["format"] == "pdf")
    files = [os.path.join(PDFS, n) for n in ("ir-release.pdf", "encrypted.pdf", "two-column.pdf")]
    code, recs, err = run(files)
    check("several: exit 1", code == 1, "exit %s" % code)
    check("several: records in order", [r["source"]["id"] for r in recs] == ["ir-release", "two-column"],
          repr([r["source"]["id"] for r in recs]))

    # an HTML notice: no PDF facts, evidence pages null
    code, recs, err = run(["fixtures/cp932-sqli.html"])
    if recs:
        r = recs[0]
        schema_ok("html", r)
        check("html: source.pdf null", r["source"]["pdf"] is None)
        check("html: format", r["source"]["format"] == "html")
        check("html: evidence pages null", r["evidence"] and all(e["page"] is None for e in r["evidence"]))
        check("html: no_text false", r["diagnostics"]["no_text"] is False)
    else:
        check("html: record", False, err)

    fetch_cases()
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


def fetch_cases():
    log = os.path.join(PDFS, "server.log")
    env = dict(ENV, OW_PDF_DIR=os.path.abspath(PDFS))
    srv = subprocess.Popen([sys.executable, os.path.join(HERE, "..", "fetch", "server.py"), log, "300"],
                           stdout=subprocess.PIPE, env=env)
    try:
        port = int(srv.stdout.readline())
        base = "http://127.0.0.1:%d" % port
        ap = ["--allow-private"]

        u = base + "/pdf-file/ir-release.pdf"
        code, recs, err = run(ap + [u])
        check("fetch application/pdf: record", code == 0 and len(recs) == 1, "exit %s %r" % (code, err))
        if recs:
            r = recs[0]
            schema_ok("fetch application/pdf", r)
            s = r["source"]
            check("fetch application/pdf: content_type", s["content_type"] == "application/pdf", s["content_type"])
            check("fetch application/pdf: format", s["format"] == "pdf")
            check("fetch application/pdf: url", s["url"] == u and s["http_status"] == 200)
            check("fetch application/pdf: id", s["id"] == "ir-release", s["id"])
            check("fetch application/pdf: pages", (s["pdf"] or {}).get("pages") == 2)
            check("fetch application/pdf: organization", r["organization"]["name"] == "株式会社ハルカゼ精機")
            check("fetch application/pdf: total", r["affected"]["total"] == 3482)
            size = os.path.getsize(os.path.join(PDFS, "ir-release.pdf"))
            check("fetch application/pdf: bytes", s["bytes"] == size, "%s vs %s" % (s["bytes"], size))

        u = base + "/pdf-octet/two-column.pdf"
        code, recs, err = run(ap + [u])
        check("fetch octet-stream PDF: record", code == 0 and len(recs) == 1, "exit %s %r" % (code, err))
        if recs:
            r = recs[0]
            schema_ok("fetch octet-stream PDF", r)
            s = r["source"]
            check("fetch octet-stream PDF: content_type kept",
                  s["content_type"] == "application/octet-stream", s["content_type"])
            check("fetch octet-stream PDF: sniffed as pdf", s["format"] == "pdf")
            check("fetch octet-stream PDF: organization", r["organization"]["name"] == "株式会社ミズナラ観光")
            check("fetch octet-stream PDF: total", r["affected"]["total"] == 1650)

        u = base + "/pdf-file/encrypted.pdf"
        code, recs, err = run(ap + [u])
        check("fetch encrypted PDF: error", code == 1 and not recs and
              err.strip() == "owabi: %s: encrypted PDF: a password is needed to open it" % u, repr(err))

        u = base + "/octet"
        code, recs, err = run(ap + [u])
        check("fetch octet-stream non-PDF: refused", code == 1 and not recs and
              err.strip() == "owabi: %s: unsupported content type: application/octet-stream" % u, repr(err))

        u = base + "/png"
        code, recs, err = run(ap + [u])
        check("fetch image/png: refused", code == 1 and not recs and
              err.strip() == "owabi: %s: unsupported content type: image/png" % u, repr(err))

        # The guard still holds for PDFs: no --allow-private, no fetch.
        u = base + "/pdf-file/ir-release.pdf"
        code, recs, err = run([u])
        check("fetch PDF: SSRF guard", code == 1 and not recs and "not allowed" in err, repr(err))
    finally:
        srv.kill()
        srv.wait()


if __name__ == "__main__":
    t0 = time.time()
    main()
