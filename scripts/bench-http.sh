#!/usr/bin/env bash
# Compares our HTTP server with nginx (one worker) under wrk, over HTTP and HTTPS, and measures the
# client against nginx. Prints the figures; the last line is `http_ratio=… https_ratio=…` (ours/nginx,
# median of 3 interleaved rounds). Stops only the processes it started.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/nginx.sh

scripts/install-deps.sh wrk nginx-light
swift build -c release --product node-agent-bench >/dev/null
bench=.build/release/node-agent-bench

work=$(mktemp -d /tmp/node-agent-bench.XXXXXX)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_port() { for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0; sleep 0.05; done; echo "port $1 never opened" >&2; exit 1; }

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1 -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null

ours_http=$(free_port); ours_https=$(free_port); nginx_http=$(free_port); nginx_https=$(free_port)

"$bench" serve --port "$ours_http" --tls-port "$ours_https" --cert "$work/cert.pem" --key "$work/key.pem" >/dev/null &
pids+=($!)

nginx_start "$work" "$(cat <<SERVER
server {
    listen 127.0.0.1:$nginx_http;
    listen 127.0.0.1:$nginx_https ssl;
    ssl_protocols TLSv1.2 TLSv1.3;  # nginx 1.22 defaults to TLS 1.2 only; ours negotiates 1.3
    ssl_certificate $work/cert.pem;
    ssl_certificate_key $work/key.pem;
    location = /healthz { default_type text/plain; return 200 "ok"; }
}
SERVER
)"
pids+=($!)

for port in "$ours_http" "$ours_https" "$nginx_http" "$nginx_https"; do wait_port "$port"; done

rps() { wrk -t2 -c50 -d10s "$1" | awk '/^Requests\/sec:/ { print $2 }'; }
median() { printf '%s\n' "$@" | sort -g | sed -n 2p; }

declare -a oh nh os ns
for round in 1 2 3; do
    oh+=("$(rps "http://127.0.0.1:$ours_http/healthz")")
    nh+=("$(rps "http://127.0.0.1:$nginx_http/healthz")")
    os+=("$(rps "https://127.0.0.1:$ours_https/healthz")")
    ns+=("$(rps "https://127.0.0.1:$nginx_https/healthz")")
    echo "round $round: http ours=${oh[-1]} nginx=${nh[-1]}  https ours=${os[-1]} nginx=${ns[-1]}"
done

"$bench" client --url "http://127.0.0.1:$nginx_http/healthz" --requests 10000 --concurrency 50

ratio() { python3 -c "print(f'{$1/$2:.3f}')"; }
echo "http_ratio=$(ratio "$(median "${oh[@]}")" "$(median "${nh[@]}")") https_ratio=$(ratio "$(median "${os[@]}")" "$(median "${ns[@]}")")"
