#!/bin/sh
# End-to-end fetch tests: see test_fetch.py (run from the repo root).
exec python3 "$(dirname "$0")/test_fetch.py" "$@"
