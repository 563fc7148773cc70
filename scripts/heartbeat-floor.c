// The least CPU libcurl, OpenSSL and the kernel need for the agent's heartbeat traffic, with no Swift,
// no JSON and no Kubernetes: PUTs of a lease-sized body over kept-alive TLS connections, started in
// batches every 100 ms (the agent's heartbeat grid) at a fixed rate, each easy handle configured once
// and reused. Prints the CPU this process used per request and as a share of one core.
//
// usage: heartbeat-floor URL CAFILE RATE SECONDS [BODY_BYTES]
#include <curl/curl.h>
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

int main(int argc, char **argv) {
    if (argc < 5) {
        fprintf(stderr, "usage: %s URL CAFILE RATE SECONDS [BODY_BYTES [http2]]\n", argv[0]);
        return 2;
    }
    const char *url = argv[1], *ca = argv[2];
    int rate = atoi(argv[3]), seconds = atoi(argv[4]);
    size_t body_bytes = argc > 5 ? (size_t)atoi(argv[5]) : 450;
    // HTTP/2 multiplexes the requests over few connections instead of one connection each.
    int http2 = argc > 6 && strcmp(argv[6], "http2") == 0;
    if (rate <= 0 || seconds <= 0) {
        fprintf(stderr, "heartbeat-floor: RATE and SECONDS must be positive\n");
        return 2;
    }
    char *body = malloc(body_bytes);
    memset(body, 'x', body_bytes);

    curl_global_init(CURL_GLOBAL_DEFAULT);
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

    const double warmup = 2.0, start = now_seconds();
    double next_batch = start, measured_from = 0, cpu_from = 0;
    long failed = 0, measured = 0;
    int per_batch = rate / 10, running = 0;
    for (;;) {
        double now = now_seconds();
        if (measured_from == 0 && now - start >= warmup) {
            measured_from = now;
            cpu_from = cpu_seconds();
            measured = 0;
        }
        if (measured_from != 0 && now - measured_from >= seconds) break;
        if (now >= next_batch) {
            for (int i = 0; i < per_batch && idle > 0; i++) curl_multi_add_handle(multi, pool[--idle]);
            next_batch += 0.1;
        }
        curl_multi_perform(multi, &running);
        CURLMsg *message;
        int left;
        while ((message = curl_multi_info_read(multi, &left))) {
            if (message->msg != CURLMSG_DONE) continue;
            long status = 0;
            curl_easy_getinfo(message->easy_handle, CURLINFO_RESPONSE_CODE, &status);
            if (message->data.result != CURLE_OK || status != 200) failed++;
            measured++;
            curl_multi_remove_handle(multi, message->easy_handle);
            pool[idle++] = message->easy_handle;
        }
        int wait_ms = (int)((next_batch - now_seconds()) * 1000);
        curl_multi_poll(multi, NULL, 0, wait_ms > 0 ? wait_ms : 0, NULL);
    }
    double elapsed = now_seconds() - measured_from, cpu = cpu_seconds() - cpu_from;
    printf("requests=%ld failed=%ld seconds=%.1f requests_per_second=%.0f\n", measured, failed, elapsed, measured / elapsed);
    printf("cpu_us_per_request=%.1f cpu_percent_of_one_core=%.1f\n", cpu / measured * 1e6, cpu / elapsed * 100);
    return failed > 0 ? 1 : 0;
}
