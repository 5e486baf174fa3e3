#!/bin/sh
# `owabi ingest` / `owabi export` against a local test site; see test_ingest.py.
# usage: tests/ingest/test_ingest.sh [OWABI]
exec /usr/bin/python3 "$(dirname "$0")/test_ingest.py" "${1:-./owabi}"
