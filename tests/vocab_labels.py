#!/usr/bin/env python3
"""The vocabulary labels, both ways: every ("file", "label") the extractor's C
code asks for is a label the loader accepts (rules.c vocab_labels), and
every accepted label has rows in its file (else the code reads an empty
list).  The loader itself refuses rows under any other label
(test_extract)."""
import glob
import os
import re
import sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
src = {p: open(p, encoding="utf-8").read() for p in glob.glob(os.path.join(root, "extract", "*.c"))}
table = next(m for m in (re.search(r"vocab_labels\[\] = \{(.*?)\n\};", t, re.S) for t in src.values()) if m)
known = {}
for m in re.finditer(r'\{"(\w+)",\s*((?:"[^"]*"\s*)+)\}', table.group(1)):
    known[m.group(1)] = set("".join(re.findall(r'"([^"]*)"', m.group(2))).split())

passed = failed = 0
def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what)

files = "|".join(known)
for path, text in sorted(src.items()):
    for m in re.finditer(r'"(%s)", "([a-z@_0-9]+)"' % files, text):
        f, label = m.groups()
        check(label in known[f], "%s asks %s.tsv for label %s, which the loader refuses"
              % (os.path.basename(path), f, label))
for f, labels in sorted(known.items()):
    path = os.path.join(root, "extract", "vocab", f + ".tsv")
    check(os.path.exists(path), "no %s" % path)
    if not os.path.exists(path):
        continue
    rows = {l.split("\t", 1)[0] for l in open(path, encoding="utf-8")
            if l.strip() and not l.startswith("#") and "\t" in l}
    for label in sorted(labels):
        check(label in rows, "%s.tsv has no row for its label %s" % (f, label))
print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
