#!/bin/sh
# PDF notices end to end: generates the fixture PDFs (tests/pdf/make_pdfs.py,
# python3-cairo + fonts-noto-cjk + qpdf) into $B/pdf-fixtures, then runs
# tests/pdf/test_pdf.py on them.  Usage: tests/pdf/test_pdf.sh OWABI
# (from the repo root).  Prints `N passed, M failed` last; exit 1 on failure.
OWABI=${1:-${OWABI:-./owabi}}
dir=${B:-build}/pdf-fixtures
rm -rf "$dir"
if ! /usr/bin/python3 tests/pdf/make_pdfs.py "$dir"; then
    echo "cannot generate the PDF fixtures (run: sh tools/deps.sh)"
    echo "0 passed, 1 failed"
    exit 1
fi
exec /usr/bin/python3 tests/pdf/test_pdf.py "$OWABI" "$dir"
