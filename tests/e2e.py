#!/usr/bin/python3
"""End-to-end check of `owabi parse` against the hand-written fixtures.

usage: tests/e2e.py OWABI FIXTURES_DIR SCHEMA

For every line of FIXTURES_DIR/expected.jsonl (the corpus gold format, see
../shared/corpus/README.md, plus optional "charset" and "charset_fallback"),
runs `OWABI parse --jsonl --id ID FILE`, validates the record against the JSON
Schema (draft 2020-12) and compares the record core (spec/record-core.md) with
the expected values, one test per fixture and field, so a failure names the
field that regressed.  Prints one `FAIL id field: expected … got …` line per
mismatch and closes with `N passed, M failed`; exits 1 on any failure.

Only the core paths, source.id, source.charset and source.charset_fallback are
read: the rest of the record is the schema's business.  Comparison follows the
scorer (../shared/tools/score): organization names after NFKC, space removal
and (株)/(有) expansion; counts, methods and types as sets; a period as its
(start, end) pair, where null equals {start: null, end: null}."""
import json
import os
import re
import subprocess
import sys
import unicodedata

try:
    import jsonschema
except ImportError:  # Debian: python3-jsonschema; run with /usr/bin/python3
    sys.exit("e2e.py: the jsonschema module is missing (apt-get install python3-jsonschema)")

TIMEOUT = 60

# Charset labels a decoder may report, folded to the family expected.jsonl names.
CHARSET_FAMILIES = {
    "utf8": "utf-8", "unicode11utf8": "utf-8",
    "shiftjis": "shift_jis", "sjis": "shift_jis", "xsjis": "shift_jis", "mskanji": "shift_jis",
    "windows31j": "shift_jis", "cp932": "shift_jis", "ms932": "shift_jis", "ibm943": "shift_jis",
    "ibm943p15a2003": "shift_jis", "csshiftjis": "shift_jis", "cswindows31j": "shift_jis",
    "eucjp": "euc-jp", "eucjp2007": "euc-jp", "xeucjp": "euc-jp", "cseucpkdfmtjapanese": "euc-jp",
    "ibm33722": "euc-jp",
    "iso2022jp": "iso-2022-jp", "csiso2022jp": "iso-2022-jp",
}


def charset_family(label):
    if not isinstance(label, str):
        return label
    key = re.sub(r"[^0-9a-z]", "", label.lower())
    return CHARSET_FAMILIES.get(key, label)


def dig(obj, *path):
    for key in path:
        if not isinstance(obj, dict) or key not in obj:
            return None
        obj = obj[key]
    return obj


def org_key(name):
    if not isinstance(name, str):
        return name
    name = unicodedata.normalize("NFKC", name)
    return re.sub(r"\s+", "", name).replace("(株)", "株式会社").replace("(有)", "有限会社")


def period_pair(value):
    """Gold [start, end] or a record's {start, end}; null -> (None, None)."""
    if isinstance(value, list) and len(value) == 2:
        return tuple(value)
    if isinstance(value, dict):
        return (value.get("start"), value.get("end"))
    return (None, None)


def show(value):
    if isinstance(value, set):
        if all(isinstance(v, int) for v in value):
            value = sorted(value, reverse=True)
        else:
            value = sorted(value, key=str)
    if isinstance(value, tuple):
        value = list(value)
    return json.dumps(value, ensure_ascii=False)


def expected_fields(g):
    out = {
        "is_incident": g["is_incident"],
        "organization": org_key(g["organization"]),
        "published": g["published"],
        "affected_total": g["affected_total"],
        "counts": set(g["counts"]),
        "attack_methods": set(g["attack_methods"]),
        "data_types": set(g["data_types"]),
        "attack_period": period_pair(g["attack_period"]),
        "exposure_period": period_pair(g["exposure_period"]),
        "discovered": g["discovered"],
    }
    if "charset" in g:
        out["charset"] = g["charset"]
    if "charset_fallback" in g:
        out["charset_fallback"] = g["charset_fallback"]
    return out


def record_fields(r):
    counts = dig(r, "affected", "counts")
    return {
        "is_incident": r.get("is_incident"),
        "organization": org_key(dig(r, "organization", "name")),
        "published": dig(r, "notice", "published"),
        "affected_total": dig(r, "affected", "total"),
        "counts": {c.get("count") for c in counts if isinstance(c, dict)} if isinstance(counts, list) else None,
        "attack_methods": set(dig(r, "attack", "methods") or []),
        "data_types": set(dig(r, "data", "types") or []),
        "attack_period": period_pair(dig(r, "incident", "attack_period")),
        "exposure_period": period_pair(dig(r, "incident", "exposure_period")),
        "discovered": dig(r, "incident", "discovered"),
        "charset": charset_family(dig(r, "source", "charset")),
        "charset_fallback": dig(r, "source", "charset_fallback"),
    }


def run(owabi, path, fid):
    """Returns (record or None, why-not)."""
    try:
        p = subprocess.run([owabi, "parse", "--jsonl", "--id", fid, path],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return None, f"timed out after {TIMEOUT} s"
    except OSError as e:
        return None, f"cannot run {owabi}: {e}"
    err = p.stderr.decode("utf-8", "replace").strip().replace("\n", " | ")
    if p.returncode != 0:
        return None, f"exit {p.returncode}: {err}"
    lines = [l for l in p.stdout.split(b"\n") if l.strip()]
    if len(lines) != 1:
        return None, f"expected one JSON line on stdout, got {len(lines)}"
    try:
        rec = json.loads(lines[0].decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        return None, f"stdout is not JSON: {e}"
    if not isinstance(rec, dict):
        return None, "stdout is not a JSON object"
    return rec, None


def main(argv):
    if len(argv) != 4:
        sys.stderr.write("usage: tests/e2e.py OWABI FIXTURES_DIR SCHEMA\n")
        return 2
    owabi, fixdir, schema_path = argv[1:]
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)

    with open(os.path.join(fixdir, "expected.jsonl"), encoding="utf-8") as f:
        golds = [json.loads(line) for line in f if line.strip()]

    passed = failed = 0
    for g in golds:
        fid = g["id"]
        want = expected_fields(g)
        # run + id + schema + every compared field
        ntests = 3 + len(want)
        rec, why = run(owabi, os.path.join(fixdir, g["file"]), fid)
        if rec is None:
            print(f"FAIL {fid} run: {why}")
            failed += ntests
            continue
        passed += 1
        if dig(rec, "source", "id") == fid:
            passed += 1
        else:
            print(f"FAIL {fid} source.id: expected {show(fid)} got {show(dig(rec, 'source', 'id'))}")
            failed += 1
        errors = sorted(validator.iter_errors(rec), key=lambda e: list(e.absolute_path))
        if errors:
            for e in errors[:3]:
                where = "/".join(str(p) for p in e.absolute_path) or "(root)"
                print(f"FAIL {fid} schema: {where}: {e.message[:200]}")
            failed += 1
        else:
            passed += 1
        got = record_fields(rec)
        for field, value in want.items():
            if got[field] == value:
                passed += 1
            else:
                print(f"FAIL {fid} {field}: expected {show(value)} got {show(got[field])}")
                failed += 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
