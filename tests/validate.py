#!/usr/bin/python3
"""Validate JSON records (one per line, or pretty JSON values one after another)
against a JSON Schema with Debian's python3-jsonschema (draft 2020-12).

usage: tests/validate.py SCHEMA [RECORDS...]   (stdin when no file)
Prints one line per invalid record and exits 1 if any; exits 2 on bad usage."""
import json
import sys

try:
    import jsonschema
except ImportError:
    sys.exit("validate.py: python3-jsonschema is missing (run: sh tools/deps.sh)")


def records(text):
    dec = json.JSONDecoder()
    i = 0
    while True:
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text):
            return
        obj, i = dec.raw_decode(text, i)
        yield obj


def main():
    if len(sys.argv) < 2:
        sys.exit(2)
    with open(sys.argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    v = jsonschema.Draft202012Validator(schema)
    bad = n = 0
    sources = sys.argv[2:] or ["-"]
    for src in sources:
        text = sys.stdin.read() if src == "-" else open(src, encoding="utf-8").read()
        for rec in records(text):
            n += 1
            errs = sorted(v.iter_errors(rec), key=lambda e: list(e.path))
            for e in errs[:5]:
                rid = rec.get("source", {}).get("id") if isinstance(rec, dict) else None
                print(f"invalid record {rid}: /{'/'.join(map(str, e.path))}: {e.message}")
            bad += bool(errs)
    if n == 0:
        print("validate.py: no records")
        sys.exit(1)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
