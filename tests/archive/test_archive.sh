#!/bin/sh
# The archive, reextract, history and the WARC export; see test_archive.py.
# usage: tests/archive/test_archive.sh [OWABI]
exec /usr/bin/python3 "$(dirname "$0")/test_archive.py" "${1:-./owabi}"
