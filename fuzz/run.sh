#!/bin/sh
# fuzz/run.sh — runs libFuzzer targets and prints executions and coverage.
#
#   sh fuzz/run.sh [-t SECONDS] [-j JOBS] [TARGET...]   fuzz each target
#   sh fuzz/run.sh --replay [TARGET...]                 replay fuzz/regressions/
#
# Targets are build-fuzz/fuzz_<name> (make fuzz-build); default: all built.
# Each runs SECONDS (default 60) with fuzz/notice.dict, its own growing
# corpus fuzz/corpus-<name>/ (not in git) and the seeds fixtures/ and tests/.
# JOBS targets run at once (default 1).  A crash, leak, timeout or OOM stops
# that target's run; the input is saved as fuzz/regressions/<name>-<sha1> and
# the target starts again for what is left of its time (at most 3 finds).
# Environment: FUZZ_B (build dir), FUZZ_TIMEOUT (s per input, default 10),
# FUZZ_RSS_MB (default 2048), FUZZ_MAX_LEN (bytes, default: libFuzzer's).
# Exit status: 0 when nothing was found (replay: every input passes), 1 else.
set -u
cd "$(dirname "$0")/.." || exit 2
B=${FUZZ_B:-build-fuzz}
seconds=60 jobs=1 replay=0
while [ $# -gt 0 ]; do
    case $1 in
    -t) seconds=$2; shift 2 ;;
    -j) jobs=$2; shift 2 ;;
    --replay) replay=1; shift ;;
    --one) shift; break ;;   # internal: run one target (used with -j)
    -h|--help) sed -n '2,17s/^# \{0,1\}//p' "$0"; exit 0 ;;
    -*) echo "fuzz/run.sh: unknown option $1" >&2; exit 2 ;;
    *) break ;;
    esac
done
if [ $# -eq 0 ]; then
    set -- $(ls "$B"/fuzz_* 2>/dev/null | sed 's|.*/fuzz_||')
    [ $# -gt 0 ] || { echo "fuzz/run.sh: no targets in $B (run make fuzz-build)" >&2; exit 2; }
fi
mkdir -p "$B/logs" "$B/artifacts" fuzz/regressions

# ---- replay: every saved input through its target, once ----------------
if [ "$replay" = 1 ]; then
    pass=0 fail=0
    for t in "$@"; do
        for f in fuzz/regressions/"$t"-*; do
            [ -f "$f" ] || continue
            if "$B/fuzz_$t" -runs=1 "$f" >"$B/logs/replay.log" 2>&1; then
                pass=$((pass + 1))
            else
                fail=$((fail + 1))
                echo "FAIL $f"; grep -m 3 -E 'ERROR|SUMMARY|invariant failed' "$B/logs/replay.log"
            fi
        done
    done
    echo "fuzz regressions: $pass passed, $fail failed"
    [ "$fail" -eq 0 ]
    exit
fi

# ---- one target: fuzz, save finds, write a result line ------------------
run_one() {
    t=$1
    bin=$B/fuzz_$t
    log=$B/logs/$t.log
    [ -x "$bin" ] || { echo "$t missing - - - - 0" >"$B/logs/$t.result"; return; }
    mkdir -p "fuzz/corpus-$t"
    seeds=
    for d in fixtures tests; do [ -d "$d" ] && seeds="$seeds $d"; done
    extra=
    [ -n "${FUZZ_MAX_LEN:-}" ] && extra="-max_len=$FUZZ_MAX_LEN"
    : >"$log"
    start=$(date +%s) execs=0 finds=0 found=
    left=$seconds
    while [ "$left" -gt 0 ]; do
        rm -f "$B/artifacts/$t-"*
        # shellcheck disable=SC2086
        "$bin" -max_total_time="$left" -print_final_stats=1 -dict=fuzz/notice.dict \
            -timeout="${FUZZ_TIMEOUT:-10}" -rss_limit_mb="${FUZZ_RSS_MB:-2048}" \
            -artifact_prefix="$B/artifacts/$t-" $extra "fuzz/corpus-$t" $seeds >>"$log" 2>&1
        rc=$?
        n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
        execs=$((execs + ${n:-0}))
        [ "$rc" -eq 0 ] && break
        for a in "$B/artifacts/$t-"*; do
            [ -f "$a" ] || continue
            kind=$(basename "$a" | sed "s/^$t-//; s/-.*//")
            h=$(sha1sum "$a" | cut -c1-16)
            cp "$a" "fuzz/regressions/$t-$h"
            found="$found $kind:fuzz/regressions/$t-$h"
            finds=$((finds + 1))
        done
        [ -n "$found" ] || { found=" exit$rc:see-$log"; finds=$((finds + 1)); break; }
        [ "$finds" -ge 3 ] && break
        left=$((seconds - ($(date +%s) - start)))
    done
    cov=$(grep -o ' cov: [0-9]*' "$log" | tail -n 1 | tr -dc 0-9)
    ft=$(grep -o ' ft: [0-9]*' "$log" | tail -n 1 | tr -dc 0-9)
    corp=$(ls "fuzz/corpus-$t" | wc -l)
    slow=$(sed -n 's/^stat::slowest_unit_time_sec: *//p' "$log" | sort -n | tail -n 1)
    echo "$t $execs ${cov:--} ${ft:--} $corp ${slow:--} $finds${found:+ }${found# }" >"$B/logs/$t.result"
}

if [ "${FUZZ_ONE:-}" = 1 ]; then
    run_one "$1"
    exit 0
fi

for t in "$@"; do rm -f "$B/logs/$t.result"; done
echo "fuzzing $* for ${seconds}s each, $jobs at a time (logs in $B/logs/)"
printf '%s\n' "$@" | FUZZ_ONE=1 xargs -P "$jobs" -I{} sh "$0" -t "$seconds" --one {}

status=0
printf '\n%-10s %12s %8s %7s %7s %7s %9s  %s\n' target execs exec/s cov ft corpus slowest finds
for t in "$@"; do
    set -- $(cat "$B/logs/$t.result" 2>/dev/null || echo "$t missing - - - - 0")
    rate=-
    if [ "$2" = missing ]; then status=1; else rate=$(($2 / seconds)); fi
    printf '%-10s %12s %8s %7s %7s %7s %8ss  %s\n' "$1" "$2" "$rate" "$3" "$4" "$5" "$6" "$7"
    shift 7
    for f in "$@"; do echo "    found $f"; status=1; done
done
exit $status
