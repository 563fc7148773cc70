#!/usr/bin/env bash
# Compares the heartbeat CPU of two node-agent binaries. Run one after the other, two builds differ by
# less than this machine's speed does from minute to minute; run at once, both see the same machine.
# Each round starts `bench --nodes N --pods 0 --separate-control-plane` of both binaries together, each
# with its own control plane (four processes on two cores: every figure is higher than alone), and
# swaps their start order in the next round. Prints, per round, each binary's agent and control plane
# CPU (% of one core) over its steady state.
# Usage: scripts/compare-heartbeat.sh BINARY_A BINARY_B [ROUNDS]   (NODES, default 10000; STEADY, default 40 s)
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 BINARY_A BINARY_B [ROUNDS]" >&2; exit 2; }
binaries=("$1" "$2")
rounds=${3:-2}
nodes=${NODES:-10000}
steady=${STEADY:-40}
for binary in "${binaries[@]}"; do
    [ -x "$binary" ] || { echo "compare-heartbeat: $binary is not an executable" >&2; exit 2; }
done
work=$(mktemp -d /tmp/compare-heartbeat.XXXXXX)
pids=()
trap 'for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"' EXIT

figures() {  # FILE: "agent X %, control plane Y %" from a bench's JSON
    python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print("agent %.2f %%, control plane %.2f %%" % (d["agent"]["steadyCPUPercent"], d["controlPlane"]["steadyCPUPercent"]))' "$1"
}

for round in $(seq "$rounds"); do
    order=(0 1)
    [ $((round % 2)) = 0 ] && order=(1 0)
    pids=()
    for index in "${order[@]}"; do
        "${binaries[$index]}" bench --nodes "$nodes" --pods 0 --separate-control-plane --steady "$steady" --json \
            >"$work/$index.json" 2>"$work/$index.log" &
        pids+=($!)
    done
    for pid in "${pids[@]}"; do
        wait "$pid" || { echo "compare-heartbeat: a bench failed:" >&2; cat "$work"/*.log >&2; exit 1; }
    done
    for index in 0 1; do echo "round $round, ${binaries[$index]}: $(figures "$work/$index.json")"; done
done
