#!/usr/bin/env bash
# The floor under the agent's heartbeat CPU: what libcurl, OpenSSL and the kernel alone spend on the
# requests of 10,000 nodes (1,000 lease PUTs and 167 status PATCHes a second), measured against nginx
# over TLS on loopback, lease-sized bodies both ways. Runs, in turn, each client named in CLIENTS:
#   http1.1       a C client through curl's HTTP engine (scripts/heartbeat-floor.c), one connection each
#   http2         the same, multiplexed over HTTP/2
#   connect-only  the C client with curl opening and securing the connections, HTTP framed by hand
#   swift         the agent's own HTTP client (node-agent-bench heartbeat)
# and prints each one's CPU per request and as a share of one core. Stops only what it started.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/nginx.sh

rate=${RATE:-1167}
clients=${CLIENTS:-http1.1 connect-only swift}
seconds=${SECONDS_MEASURED:-20}
bytes=${BODY_BYTES:-560}

scripts/install-deps.sh nginx-light gcc
case " $clients " in *" swift "*) swift build -c release --product node-agent-bench >/dev/null ;; esac
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
    listen 127.0.0.1:$port ssl$(case " $clients " in *" http2 "*) echo " http2" ;; esac);
    ssl_protocols TLSv1.3;
    ssl_certificate $work/cert.pem;
    ssl_certificate_key $work/key.pem;
    location / { default_type application/json; return 200 \"$answer\"; }
}"
nginx_pid=$!
for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && break; sleep 0.05; done

url="https://127.0.0.1:$port/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/node"
for client in $clients; do
    echo "heartbeat floor, $client: $rate PUTs/s of $bytes bytes, answered with $bytes bytes, over TLS, for ${seconds}s"
    case $client in
        http1.1 | http2 | connect-only) "$work/heartbeat-floor" "$url" "$work/cert.pem" "$rate" "$seconds" "$bytes" "$client" ;;
        swift) .build/release/node-agent-bench heartbeat --url "$url" --ca "$work/cert.pem" --rate "$rate" --seconds "$seconds" --bytes "$bytes" ;;
        *) echo "heartbeat-floor: unknown client $client (http1.1, http2, connect-only or swift)" >&2; exit 2 ;;
    esac
done
