// The least CPU libcurl, OpenSSL and the kernel need for the agent's heartbeat traffic, with no Swift,
// no JSON and no Kubernetes: PUTs of a lease-sized body over kept-alive TLS connections, started in
// batches every 100 ms (the agent's heartbeat grid) at a fixed rate, each to a lease path of its own,
// each easy handle configured once and reused. Prints the CPU this process used per request and as a
// share of one core.
//
// The protocols http1.1 and http2 go through curl's HTTP engine. connect-only has curl open and secure
// the connections (CURLOPT_CONNECT_ONLY) and frames HTTP/1.1 by hand over curl_easy_send/recv: the
// difference between the two is what curl's HTTP engine costs per request.
//
// usage: heartbeat-floor URL CAFILE RATE SECONDS [BODY_BYTES [http1.1|http2|connect-only]]
#define _GNU_SOURCE
#include <curl/curl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static size_t discard(char *data, size_t size, size_t count, void *user) {
    (void)data;
    (void)user;
    return size * count;
}

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_seconds(void) {
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    return (double)usage.ru_utime.tv_sec + (double)usage.ru_utime.tv_usec / 1e6 + (double)usage.ru_stime.tv_sec +
           (double)usage.ru_stime.tv_usec / 1e6;
}

// The measurement's clock: 2 s of warm-up, then `seconds` measured, with a batch due every 100 ms.
struct pace {
    double start, next_batch, measured_from, cpu_from;
    long measured;
    int seconds;
};

static struct pace pace_start(int seconds) {
    double now = now_seconds();
    return (struct pace){.start = now, .next_batch = now, .seconds = seconds};
}

// 0 once the measurement is over; otherwise 1, with *batch_due set when a batch should start now.
static int pace_tick(struct pace *p, int *batch_due) {
    double now = now_seconds();
    if (p->measured_from == 0 && now - p->start >= 2.0) {
        p->measured_from = now;
        p->cpu_from = cpu_seconds();
        p->measured = 0;
    }
    if (p->measured_from != 0 && now - p->measured_from >= p->seconds) return 0;
    *batch_due = now >= p->next_batch;
    if (*batch_due) p->next_batch += 0.1;
    return 1;
}

static int pace_wait_ms(const struct pace *p) {
    int wait_ms = (int)((p->next_batch - now_seconds()) * 1000);
    return wait_ms > 0 ? wait_ms : 0;
}

// Prints the measured figures; the exit status says whether any request failed.
static int report(const struct pace *p, long failed) {
    long measured = p->measured;
    double elapsed = now_seconds() - p->measured_from, cpu = cpu_seconds() - p->cpu_from;
    printf("requests=%ld failed=%ld seconds=%.1f requests_per_second=%.0f\n", measured, failed, elapsed, measured / elapsed);
    printf("cpu_us_per_request=%.1f cpu_percent_of_one_core=%.1f\n", cpu / measured * 1e6, cpu / elapsed * 100);
    return failed > 0 ? 1 : 0;
}

// One kept connection of the connect-only mode and the response it is reading.
struct connection {
    CURL *easy;
    curl_socket_t socket;
    int busy;
    size_t have;
    char answer[16384];
};

// Sends all of `data`, waiting for room when the socket is full.
static int send_all(struct connection *c, const char *data, size_t length) {
    while (length > 0) {
        size_t sent = 0;
        CURLcode result = curl_easy_send(c->easy, data, length, &sent);
        if (result == CURLE_AGAIN) {
            struct pollfd writable = {.fd = c->socket, .events = POLLOUT};
            poll(&writable, 1, 1000);
            continue;
        }
        if (result != CURLE_OK) return -1;
        data += sent;
        length -= sent;
    }
    return 0;
}

// Reads what arrived; 1 once a whole response (head and Content-Length body) is in, -1 on failure.
static int read_answer(struct connection *c, int *ok) {
    for (;;) {
        size_t got = 0;
        CURLcode result = curl_easy_recv(c->easy, c->answer + c->have, sizeof c->answer - 1 - c->have, &got);
        if (result == CURLE_AGAIN) break;
        if (result != CURLE_OK || got == 0 || c->have + got >= sizeof c->answer - 1) return -1;
        c->have += got;
    }
    c->answer[c->have] = 0;
    char *end = strstr(c->answer, "\r\n\r\n");
    if (!end) return 0;
    char *length = strcasestr(c->answer, "\r\ncontent-length:");
    size_t body = length && length < end ? strtoul(length + 17, NULL, 10) : 0;
    if (c->have < (size_t)(end + 4 - c->answer) + body) return 0;
    *ok = strncmp(c->answer, "HTTP/1.1 200 ", 13) == 0;
    return 1;
}

static int run_connect_only(const char *url, const char *ca, int rate, int seconds, const char *body, size_t body_bytes) {
    const char *path = strchr(strstr(url, "://") + 3, '/');
    int pool_size = rate / 10 + 1;
    struct connection *pool = calloc((size_t)pool_size, sizeof *pool);
    struct pollfd *fds = calloc((size_t)pool_size, sizeof *fds);
    char *request = malloc(body_bytes + 1024);
    for (int i = 0; i < pool_size; i++) {
        pool[i].easy = curl_easy_init();
        curl_easy_setopt(pool[i].easy, CURLOPT_URL, url);
        curl_easy_setopt(pool[i].easy, CURLOPT_CAINFO, ca);
        curl_easy_setopt(pool[i].easy, CURLOPT_CONNECT_ONLY, 1L);
        curl_easy_setopt(pool[i].easy, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(pool[i].easy, CURLOPT_PROXY, "");
        CURLcode result = curl_easy_perform(pool[i].easy);
        if (result != CURLE_OK) {
            fprintf(stderr, "heartbeat-floor: connecting to %s: %s\n", url, curl_easy_strerror(result));
            return 1;
        }
        curl_easy_getinfo(pool[i].easy, CURLINFO_ACTIVESOCKET, &pool[i].socket);
        fds[i] = (struct pollfd){.fd = pool[i].socket};
    }

    struct pace pace = pace_start(seconds);
    long failed = 0, sequence = 0;
    int per_batch = rate / 10, batch_due = 0;
    while (pace_tick(&pace, &batch_due)) {
        if (batch_due) {
            for (int i = 0, started = 0; i < pool_size && started < per_batch; i++) {
                if (pool[i].busy) continue;
                // One lease per node, as the agent renews them: the path changes with every request.
                int head = snprintf(request, 1024,
                    "PUT %s-%ld HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: node-agent\r\nAccept: application/json\r\n"
                    "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
                    path, sequence++ % 10000, body_bytes);
                memcpy(request + head, body, body_bytes);
                if (send_all(&pool[i], request, (size_t)head + body_bytes) != 0) {
                    fprintf(stderr, "heartbeat-floor: a request could not be sent\n");
                    return 1;
                }
                pool[i].busy = 1;
                pool[i].have = 0;
                fds[i].events = POLLIN;
                started++;
            }
        }
        if (poll(fds, (nfds_t)pool_size, pace_wait_ms(&pace)) <= 0) continue;
        for (int i = 0; i < pool_size; i++) {
            if (!(fds[i].revents & (POLLIN | POLLERR | POLLHUP))) continue;
            int ok = 0, state = read_answer(&pool[i], &ok);
            if (state < 0) {
                fprintf(stderr, "heartbeat-floor: a connection failed\n");
                return 1;
            }
            if (state == 0) continue;
            if (!ok) failed++;
            pace.measured++;
            // An idle connection is not polled: TLS 1.3 session tickets left unread would wake poll at once.
            pool[i].busy = 0;
            fds[i].events = 0;
        }
    }
    return report(&pace, failed);
}

int main(int argc, char **argv) {
    if (argc < 5) {
        fprintf(stderr, "usage: %s URL CAFILE RATE SECONDS [BODY_BYTES [http1.1|http2|connect-only]]\n", argv[0]);
        return 2;
    }
    const char *url = argv[1], *ca = argv[2];
    int rate = atoi(argv[3]), seconds = atoi(argv[4]);
    size_t body_bytes = argc > 5 ? (size_t)atoi(argv[5]) : 450;
    const char *protocol = argc > 6 ? argv[6] : "http1.1";
    if (strcmp(protocol, "http1.1") != 0 && strcmp(protocol, "http2") != 0 && strcmp(protocol, "connect-only") != 0) {
        fprintf(stderr, "heartbeat-floor: unknown protocol %s (http1.1, http2 or connect-only)\n", protocol);
        return 2;
    }
    // HTTP/2 multiplexes the requests over few connections instead of one connection each.
    int http2 = strcmp(protocol, "http2") == 0;
    if (rate <= 0 || seconds <= 0) {
        fprintf(stderr, "heartbeat-floor: RATE and SECONDS must be positive\n");
        return 2;
    }
    char *body = malloc(body_bytes);
    memset(body, 'x', body_bytes);

    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (strcmp(protocol, "connect-only") == 0) return run_connect_only(url, ca, rate, seconds, body, body_bytes);
    CURLM *multi = curl_multi_init();
    curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, 128L);
    curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, 128L);

    // One handle per request a batch may start; a handle goes back to the pool when it finishes.
    int pool_size = rate / 10 + 1;
    CURL **pool = calloc((size_t)pool_size, sizeof(CURL *));
    struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: application/json");
    headers = curl_slist_append(headers, "Accept: application/json");
    headers = curl_slist_append(headers, "Expect:");
    for (int i = 0; i < pool_size; i++) {
        CURL *easy = curl_easy_init();
        curl_easy_setopt(easy, CURLOPT_URL, url);
        curl_easy_setopt(easy, CURLOPT_CAINFO, ca);
        curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, "PUT");
        curl_easy_setopt(easy, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_bytes);
        curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, discard);
        curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, http2 ? (long)CURL_HTTP_VERSION_2TLS : (long)CURL_HTTP_VERSION_1_1);
        curl_easy_setopt(easy, CURLOPT_PIPEWAIT, (long)http2);
        curl_easy_setopt(easy, CURLOPT_PROXY, "");
        pool[i] = easy;
    }
    int idle = pool_size;

    struct pace pace = pace_start(seconds);
    long failed = 0, sequence = 0;
    int per_batch = rate / 10, running = 0, batch_due = 0;
    char node_url[2048];
    while (pace_tick(&pace, &batch_due)) {
        if (batch_due) {
            for (int i = 0; i < per_batch && idle > 0; i++) {
                // One lease per node, as the agent renews them: the URL changes with every request.
                snprintf(node_url, sizeof node_url, "%s-%ld", url, sequence++ % 10000);
                curl_easy_setopt(pool[--idle], CURLOPT_URL, node_url);
                curl_multi_add_handle(multi, pool[idle]);
            }
        }
        curl_multi_perform(multi, &running);
        CURLMsg *message;
        int left;
        while ((message = curl_multi_info_read(multi, &left))) {
            if (message->msg != CURLMSG_DONE) continue;
            long status = 0;
            curl_easy_getinfo(message->easy_handle, CURLINFO_RESPONSE_CODE, &status);
            if (message->data.result != CURLE_OK || status != 200) failed++;
            pace.measured++;
            curl_multi_remove_handle(multi, message->easy_handle);
            pool[idle++] = message->easy_handle;
        }
        curl_multi_poll(multi, NULL, 0, pace_wait_ms(&pace), NULL);
    }
    return report(&pace, failed);
}
