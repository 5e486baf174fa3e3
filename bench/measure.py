#!/usr/bin/env python3
"""Measures owabi against its floor: python3 bench/measure.py OWABI [DIR]

Reads DIR/manifest.json (bench/gen.py; default DIR bench/out) and prints one
table, every figure taken from the same files:
  - owabi's batch throughput (all files in one process, `parse --jsonl`),
    MB/s and notices/s, and its ratio to `xmllint --html --noout` on the
    same files in one process (target >= 0.5x);
  - the ratio to readability-lxml's Document(html).summary() over the same
    files in one python process (target: owabi >= 10x faster);
  - time per MB from 64 KB to 16 MB, start-up subtracted (flat = linear:
    target: per-MB time at no size more than 2x that of any smaller size);
  - peak RSS on the 16 MB page (target <= 4x input + 16 MB);
  - one whole `owabi parse` of a 12 KB page against xmllint on that page
    (hyperfine when installed, else a timed loop of 50 runs; target <= 5x:
    start-up must not dominate).
Timings are wall-clock, best of BENCH_REPEAT runs (default 3) except
readability (one run: it is slow).  Writes DIR/results.json as well.
Environment: BENCH_REPEAT, BENCH_RUNS (single-page runs, default 50),
BENCH_NO_READABILITY=1 to skip readability.  Exit status 0 (the table is the
result; MISS is information, not a failure), 2 on a usage or setup error."""
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time

PY = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))
RUNS = int(os.environ.get("BENCH_RUNS", "50"))
MB = 1 << 20

READABILITY = r"""
import json, logging, sys, time
logging.disable(logging.CRITICAL)
from readability import Document
files = sys.argv[1:]
data = [open(p, "rb").read() for p in files]
per = []
t0 = time.perf_counter()
for d in data:
    t = time.perf_counter()
    Document(d).summary()
    per.append(time.perf_counter() - t)
print(json.dumps({"total": time.perf_counter() - t0, "per": per}))
"""


def timed(cmd, repeat=REPEAT):
    """Best wall time of `repeat` runs; (seconds, exit status, stderr of the best run)."""
    best = None
    for _ in range(repeat):
        t = time.perf_counter()
        p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        el = time.perf_counter() - t
        if best is None or el < best[0]:
            best = (el, p.returncode, p.stderr)
    return best


def failures(stderr):
    return sum(1 for line in stderr.decode("utf-8", "replace").splitlines() if line.startswith("owabi:"))


def peak_rss_kb(cmd):
    if not os.path.exists("/usr/bin/time"):
        return None
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as f:
        subprocess.run(["/usr/bin/time", "-o", f.name, "-f", "%M"] + cmd,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            return int(f.read().strip().splitlines()[-1])
        except (ValueError, IndexError):
            return None


def single(owabi, page):
    """Mean whole-process seconds for owabi and xmllint on one page, and how."""
    cmds = [[owabi, "parse", "--jsonl", page], ["xmllint", "--html", "--noout", page]]
    if shutil.which("hyperfine"):
        with tempfile.NamedTemporaryFile("r", suffix=".json") as f:
            r = subprocess.run(["hyperfine", "-N", "--warmup", "5", "--runs", str(RUNS),
                                "--export-json", f.name] + [" ".join(c) for c in cmds],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if r.returncode == 0:
                res = json.load(f)["results"]
                return res[0]["mean"], res[1]["mean"], "hyperfine, %d runs" % RUNS
    out = []
    for c in cmds:
        for _ in range(3):
            subprocess.run(c, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        t = time.perf_counter()
        for _ in range(RUNS):
            subprocess.run(c, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        out.append((time.perf_counter() - t) / RUNS)
    return out[0], out[1], "loop of %d runs" % RUNS


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    owabi = os.path.abspath(sys.argv[1])
    d = sys.argv[2] if len(sys.argv) > 2 else "bench/out"
    with open(os.path.join(d, "manifest.json")) as f:
        man = json.load(f)["files"]
    allf = [m["file"] for m in man]
    batch = [m["file"] for m in man if m["group"] == "batch"]
    sizes = sorted((m for m in man if m["group"] == "size"), key=lambda m: m["bytes"])
    nbytes = sum(m["bytes"] for m in man)
    bbytes = sum(m["bytes"] for m in man if m["group"] == "batch")
    have_xmllint = shutil.which("xmllint") is not None
    res = {"files": len(allf), "bytes": nbytes, "repeat": REPEAT}
    rows = []

    def row(what, ours, ref, ratio, target, ok):
        rows.append((what, ours, ref, ratio, target, "-" if ok is None else ("PASS" if ok else "MISS")))

    # 1. batch throughput, and xmllint on the same files
    t_all, rc, err = timed([owabi, "parse", "--jsonl"] + allf)
    t_batch, _, _ = timed([owabi, "parse", "--jsonl"] + batch)
    res.update(owabi_all_s=t_all, owabi_batch_s=t_batch, owabi_failed=failures(err), owabi_rc=rc)
    row("owabi batch, all %d files (%.1f MB)" % (len(allf), nbytes / MB),
        "%.1f MB/s, %.1f notices/s" % (nbytes / MB / t_all, len(allf) / t_all), "", "", "", None)
    row("owabi batch, %d pages of ~12 KB" % len(batch),
        "%.0f notices/s, %.1f MB/s" % (len(batch) / t_batch, bbytes / MB / t_batch), "", "", "", None)
    if have_xmllint:
        x_all, _, _ = timed(["xmllint", "--html", "--noout"] + allf)
        x_batch, _, _ = timed(["xmllint", "--html", "--noout"] + batch)
        res.update(xmllint_all_s=x_all, xmllint_batch_s=x_batch)
        row("vs xmllint --html, all files (throughput)", "%.1f MB/s" % (nbytes / MB / t_all),
            "%.1f MB/s" % (nbytes / MB / x_all), "%.2fx" % (x_all / t_all), ">= 0.5x", x_all / t_all >= 0.5)
        row("vs xmllint --html, 12 KB batch", "%.0f /s" % (len(batch) / t_batch),
            "%.0f /s" % (len(batch) / x_batch), "%.2fx" % (x_batch / t_batch), ">= 0.5x",
            x_batch / t_batch >= 0.5)
    else:
        row("vs xmllint --html", "", "not installed", "", ">= 0.5x", None)

    # 2. readability-lxml on the same files, one process
    rd = None
    if os.environ.get("BENCH_NO_READABILITY") != "1":
        p = subprocess.run([PY, "-c", READABILITY] + allf, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if p.returncode == 0:
            rd = json.loads(p.stdout)
        else:
            msg = p.stderr.decode("utf-8", "replace").strip().splitlines()
            row("vs readability-lxml", "", (msg[-1] if msg else "failed")[:40], "", ">= 10x", None)
    if rd:
        res.update(readability_all_s=rd["total"])
        row("vs readability-lxml summary(), all files", "%.2f s" % t_all, "%.2f s" % rd["total"],
            "%.1fx" % (rd["total"] / t_all), ">= 10x", rd["total"] / t_all >= 10)
        rb = sum(t for m, t in zip(man, rd["per"]) if m["group"] == "batch")
        row("vs readability-lxml, 12 KB batch", "%.2f s" % t_batch, "%.2f s" % rb,
            "%.1fx" % (rb / t_batch), ">= 10x", rb / t_batch >= 10)

    # 3. one whole process on a 12 KB page (its time is also the start-up
    #    that the per-MB figures leave out)
    page = min(batch, key=lambda f: abs(os.path.getsize(f) - 12 * 1024))
    if have_xmllint:
        s_ow, s_x, how = single(owabi, page)
        res.update(single_owabi_s=s_ow, single_xmllint_s=s_x, single_how=how)
        row("one process, 12 KB page (%s)" % how, "%.1f ms" % (s_ow * 1e3), "%.1f ms" % (s_x * 1e3),
            "%.1fx" % (s_ow / s_x), "<= 5x", s_ow / s_x <= 5)
    else:
        s_ow = timed([owabi, "parse", "--jsonl", page], repeat=10)[0]

    # 4. time per MB, 64 KB to 16 MB: each run parses >= 4 MB (the file
    #    repeated) so that start-up is a small, subtracted share
    per = []
    for m in sizes:
        if m["bytes"] < 60 * 1024:
            continue
        k = max(1, math.ceil(4 * MB / m["bytes"]))
        t, _, _ = timed([owabi, "parse", "--jsonl"] + [m["file"]] * k)
        ms = max(t - s_ow, 1e-6) / (k * m["bytes"] / MB) * 1e3
        per.append((m["size"], m["bytes"], ms))
    res["ms_per_mb"] = {s: ms for s, _, ms in per}
    if per:
        # Linear cost: time per MB must not grow with size.  "growth" is the
        # worst rise over any smaller size (a quadratic step would show as
        # ~4x per 4x of size); falling per-MB cost (per-document overhead
        # spread wider) is fine.
        growth = max([p[2] / min(q[2] for q in per[:i]) for i, p in enumerate(per) if i] or [1.0])
        lo, hi = min(p[2] for p in per), max(p[2] for p in per)
        res["per_mb_growth"] = growth
        row("time per MB, %s to %s (start-up subtracted)" % (per[0][0], per[-1][0]),
            "%.0f-%.0f ms/MB" % (lo, hi), "", "%.2f growth" % growth, "<= 2 (flat)", growth <= 2)

    # 5. peak RSS on the largest page
    big = sizes[-1]
    rss = peak_rss_kb([owabi, "parse", "--jsonl", big["file"]])
    if rss is not None:
        limit = 4 * big["bytes"] / MB + 16
        xr = peak_rss_kb(["xmllint", "--html", "--noout", big["file"]]) if have_xmllint else None
        res.update(rss_owabi_kb=rss, rss_xmllint_kb=xr)
        row("peak RSS, %.0f MB page" % (big["bytes"] / MB), "%.0f MB" % (rss / 1024),
            "xmllint %.0f MB" % (xr / 1024) if xr else "", "%.1fx input" % (rss / 1024 / (big["bytes"] / MB)),
            "<= %.0f MB" % limit, rss / 1024 <= limit)
    else:
        row("peak RSS", "", "/usr/bin/time missing", "", "", None)

    # 6. where the time goes, stage by stage (bench/stages.c), all files
    stages = None
    sbin = os.path.join(os.path.dirname(owabi), "stages")
    if os.access(sbin, os.X_OK):
        best = None
        for _ in range(REPEAT):
            p = subprocess.run([sbin] + allf, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            if p.returncode == 0:
                st = json.loads(p.stdout)
                tot = sum(v for k, v in st.items() if k not in ("files", "bytes", "failed"))
                if best is None or tot < best[0]:
                    best = (tot, st)
        stages = best and best[1]
        res["stages"] = stages

    # the table
    print("\nowabi bench: %d files, %.1f MB (%s); best of %d; %s failed to parse"
          % (len(allf), nbytes / MB, d, REPEAT, res["owabi_failed"]))
    head = ("measure", "owabi", "reference", "ratio", "target", "result")
    w = [max(len(r[i]) for r in rows + [head]) for i in range(6)]
    line = "  ".join("%-*s" % (w[i], head[i]) for i in range(6))
    print(line)
    print("-" * len(line))
    for r in rows:
        print("  ".join("%-*s" % (w[i], r[i]) for i in range(6)))
    if per:
        print("\ntime per MB by size: " + ", ".join("%s %.0f ms" % (sz, ms) for sz, _, ms in per))
    if stages:
        names = ["compile", "read", "decode", "parse", "normalize", "extract", "record", "dump"]
        tot = sum(stages[k] for k in names)
        mb = stages["bytes"] / MB
        print("where the time goes (bench/stages, all files, %.2f s in all):" % tot)
        for k in names:
            print("  %-10s %8.3f s  %5.1f%%  %8.1f ms/MB" % (k, stages[k], 100 * stages[k] / tot,
                                                           stages[k] / mb * 1e3))
        if "xmllint_all_s" in res:
            print("  %-10s %8.3f s           %8.1f ms/MB  (whole xmllint process, for scale)"
                  % ("xmllint", res["xmllint_all_s"], res["xmllint_all_s"] / mb * 1e3))
    miss = sum(r[5] == "MISS" for r in rows)
    print("\n%d targets met, %d missed" % (sum(r[5] == "PASS" for r in rows), miss))
    res["rows"] = rows
    with open(os.path.join(d, "results.json"), "w") as f:
        json.dump(res, f, indent=1)


if __name__ == "__main__":
    main()
