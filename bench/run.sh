#!/bin/sh
# bench/run.sh — owabi against its floor (xmllint) and a peer (readability-lxml).
#
#   sh bench/run.sh [OWABI]      default OWABI: build-bench/owabi (make bench builds it)
#
# Installs the Debian packages it measures with (libxml2-utils,
# python3-readability, time, hyperfine) when they are missing and it runs as
# root; otherwise says what to install and measures what it can.  Generates
# the corpus into bench/out/ (bench/gen.py, from fixtures/*.html) and prints
# the table (bench/measure.py), then times ingest over loopback hosts
# (bench/ingest.py).  Not part of `make check`: timings depend on
# the machine, and a MISS is information for the issue, not a test failure.
set -u
cd "$(dirname "$0")/.." || exit 2
OWABI=${1:-build-bench/owabi}
[ -x "$OWABI" ] || { echo "bench/run.sh: no $OWABI (run make bench)" >&2; exit 2; }
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

missing=
command -v xmllint >/dev/null 2>&1 || missing="$missing libxml2-utils"
"$PY" -c 'import readability' >/dev/null 2>&1 || missing="$missing python3-readability"
[ -x /usr/bin/time ] || missing="$missing time"
command -v hyperfine >/dev/null 2>&1 || missing="$missing hyperfine"
if [ -n "$missing" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "bench/run.sh: installing$missing"
        # shellcheck disable=SC2086
        { apt-get install -y -qq $missing >/dev/null 2>&1 ||
          { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq $missing >/dev/null 2>&1; }; } ||
            echo "bench/run.sh: could not install$missing; measuring without" >&2
    else
        echo "bench/run.sh: missing$missing; install with: sudo apt-get install$missing" >&2
    fi
fi

"$PY" bench/gen.py --out bench/out || exit 2
"$PY" bench/measure.py "$OWABI" bench/out || exit $?
# ingest's workers parse: CPU time over wall time on a loopback run
exec "$PY" bench/ingest.py "$OWABI"
