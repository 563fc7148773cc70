#!/bin/bash
# Registers N mock nodes with an embedded control plane and prints how long until all are Ready, the
# agent's RSS, and its CPU share at steady state (heartbeats only). The control plane and the agent run
# as two processes so that each one's memory and CPU are its own. Usage: scripts/measure-agent.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
nodes=${1:-1000}
swift build -c release --product node-agent >/dev/null
binary=$PWD/.build/release/node-agent
work=$(mktemp -d)
trap 'kill $agent $plane 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
"$binary" emulate --port 0 --nodes 0 --kubeconfig-out "$work/kc" >"$work/plane.log" 2>&1 &
plane=$!
until [ -s "$work/kc" ]; do sleep 0.05; done
start=$(date +%s.%N)
"$binary" --kubeconfig "$work/kc" --nodes "$nodes" --node-ip 127.0.0.1 --kubelet-port 0 --kube-api-qps 0 --pod-cidr 10.0.0.0/8 >"$work/agent.log" 2>&1 &
agent=$!
until grep -q 'nodes registered; running' "$work/agent.log"; do
    kill -0 $agent 2>/dev/null || { cat "$work/agent.log"; exit 1; }
    sleep 0.02
done
ready=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
notready=$(KUBECONFIG=$work/kc kubectl get nodes --no-headers | awk '$2 != "Ready"' | wc -l)
rss_ready=$(awk '/VmRSS/ {print $2}' /proc/$agent/status)
sleep 20  # two lease rounds and the first status round settle
ticks() { awk '{print $14 + $15}' /proc/$1/stat; }
a0=$(ticks $agent); p0=$(ticks $plane)
sleep 30
a1=$(ticks $agent); p1=$(ticks $plane)
hz=$(getconf CLK_TCK)
echo "nodes=$nodes seconds_to_ready=$ready (from process start) not_ready=$notready"
echo "agent_rss_kib=$(awk '/VmRSS/ {print $2}' /proc/$agent/status) (at ready: $rss_ready)"
percent() { awk -v t="$1" -v hz="$hz" 'BEGIN { printf "%.1f", t * 100 / hz / 30 }'; }
echo "agent_cpu_percent=$(percent $((a1 - a0))) control_plane_cpu_percent=$(percent $((p1 - p0)))"
