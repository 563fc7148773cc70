#!/usr/bin/env bash
# The floor under the agent's heartbeat CPU: what libcurl, OpenSSL and the kernel alone spend on the
# requests of 10,000 nodes (1,000 lease PUTs and 167 status PATCHes a second), measured with a C
# client (scripts/heartbeat-floor.c) against nginx over TLS on loopback, lease-sized bodies both ways.
# Prints the client's CPU per request and as a share of one core. Stops only what it started.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/nginx.sh

rate=${RATE:-1167}
protocol=${PROTOCOL:-http1.1}  # or http2
seconds=${SECONDS_MEASURED:-20}
bytes=${BODY_BYTES:-560}

scripts/install-deps.sh nginx-light gcc
work=$(mktemp -d /tmp/heartbeat-floor.XXXXXX)
nginx_pid=
cleanup() {
    [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

cc -O2 -o "$work/heartbeat-floor" scripts/heartbeat-floor.c $(pkg-config --cflags --libs libcurl)
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1 -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
answer=$(head -c "$bytes" /dev/zero | tr '\0' 'x')

nginx_start "$work" "server {
    listen 127.0.0.1:$port ssl$([ "$protocol" = http2 ] && echo " http2");
    http2_max_requests 100000000;
    ssl_protocols TLSv1.3;
    ssl_certificate $work/cert.pem;
    ssl_certificate_key $work/key.pem;
    location / { default_type application/json; return 200 \"$answer\"; }
}"
nginx_pid=$!
for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && break; sleep 0.05; done

echo "heartbeat floor: $rate PUTs/s of $bytes bytes, answered with $bytes bytes, over TLS ($protocol), for ${seconds}s"
"$work/heartbeat-floor" "https://127.0.0.1:$port/lease" "$work/cert.pem" "$rate" "$seconds" "$bytes" "$protocol"
