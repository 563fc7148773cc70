#!/bin/bash
# Runs one `swift test --skip-build` pass (arguments passed on) and, if it fails, repeats every failed
# expectation and failed test at the end: CI shows only the tail of a log, which otherwise holds the
# last tests to finish, not the ones that failed. stdbuf keeps the runner's output line-buffered, so
# what a stopped pass printed is not lost with it. A pass that outlives TEST_PASS_LIMIT seconds (default
# 600) is stopped and names the tests that started and never ended, instead of using up CI's time.
set -uo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
trap 'rm -f "$log"' EXIT
limit=${TEST_PASS_LIMIT:-600}
timeout --kill-after=30 "$limit" stdbuf -oL -eL "${SWIFT:-swift}" test --skip-build "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
    echo
    echo "== swift test $* was stopped after $limit s; these tests started and never ended: =="
    comm -23 <(sed -n 's/^◇ Test \([^ ]*\) started.*/\1/p' "$log" | sort -u) \
        <(sed -n 's/^[✔✘] Test \([^ ]*\) .*/\1/p' "$log" | sort -u) | grep -vx run
fi
if [ "$status" -ne 0 ]; then
    echo
    echo "== failures of: swift test $* (exit $status) =="
    # An issue's message may run over several lines, and its comment (what the test printed of the
    # failing call) follows on a `↳` line: both are kept with it, up to the next test event.
    awk '/^(◇|✔|✘)/ { keep = 0 }
        /^✘.* recorded an issue/ { keep = 1 }
        /^✘/ && !/^✘ Test run with/ || keep || /error:|Fatal error|Assertion failed|Crash|Caught signal|exited with signal/' "$log" | cut -c1-1000 | tail -80
    grep -E '^✘ Test run with|Executed .* tests' "$log" | tail -2
fi
exit "$status"
