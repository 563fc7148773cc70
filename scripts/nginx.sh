# Sourced by the benchmark scripts: nginx_start WORK SERVER starts nginx in the background (its pid in
# $!) with one worker, no logs, keep-alive without limits, its files under WORK/nginx, and SERVER (a
# `server { … }` block) as its only site.
nginx_start() {
    local work=$1 server=$2
    mkdir -p "$work/nginx/logs"
    cat > "$work/nginx/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log;
events { worker_connections 1024; }
http {
    access_log off;
    keepalive_requests 100000000;
    keepalive_timeout 60s;
    client_body_temp_path $work/nginx/body;
    proxy_temp_path $work/nginx/proxy;
    fastcgi_temp_path $work/nginx/fastcgi;
    uwsgi_temp_path $work/nginx/uwsgi;
    scgi_temp_path $work/nginx/scgi;
    $server
}
CONF
    nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" &
}
