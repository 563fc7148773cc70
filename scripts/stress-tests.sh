#!/bin/bash
# Runs the test suite repeatedly while two busy loops take the CPU, and counts passes, failures and
# hangs. Usage: scripts/stress-tests.sh [--tsan] [runs=5] [filter]
# Build first (`swift build --build-tests`, or with `--sanitize=thread --scratch-path .build-tsan`).
set -u
cd "$(dirname "$0")/.."
test=(swift test --skip-build)
if [ "${1:-}" = --tsan ]; then
    test=(swift test --skip-build --sanitize=thread --scratch-path .build-tsan)
    export TSAN_OPTIONS=halt_on_error=1
    shift
fi
runs=${1:-5}
filter=${2:-}
[ -n "$filter" ] && test+=(--filter "$filter")
logs=$(mktemp -d)

busy() { while :; do :; done; }
busy & b1=$!
busy & b2=$!
trap 'kill $b1 $b2 2>/dev/null' EXIT

passed=0 failed=0 hung=0
for run in $(seq 1 "$runs"); do
    "${test[@]}" > "$logs/$run.log" 2>&1 &
    runner=$!
    for _ in $(seq 1 120); do
        sleep 1
        kill -0 $runner 2>/dev/null || break
    done
    if kill -0 $runner 2>/dev/null; then
        hung=$((hung + 1))
        echo "run $run: hung (log $logs/$run.log)"
        pkill -9 -P $runner
        kill -9 $runner 2>/dev/null
        wait $runner 2>/dev/null
    elif wait $runner; then
        passed=$((passed + 1))
        echo "run $run: passed"
    else
        failed=$((failed + 1))
        echo "run $run: failed (log $logs/$run.log)"
    fi
done
echo "runs=$runs passed=$passed failed=$failed hung=$hung"
