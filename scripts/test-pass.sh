#!/bin/bash
# Runs one `swift test --skip-build` pass (arguments passed on) and, if it fails, repeats every failed
# expectation and failed test at the end: CI shows only the tail of a log, which otherwise holds the
# last tests to finish, not the ones that failed.
set -uo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
trap 'rm -f "$log"' EXIT
"${SWIFT:-swift}" test --skip-build "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
if [ "$status" -ne 0 ]; then
    echo
    echo "== failures of: swift test $* (exit $status) =="
    grep -E '^✘|error:|Fatal error|Assertion failed|Crash|Caught signal|exited with signal' "$log" | grep -v '^✘ Test run with' | tail -60
    grep -E '^✘ Test run with|Executed .* tests' "$log" | tail -2
fi
exit "$status"
