#ifndef NODE_AGENT_CCURL_SHIM_H
#define NODE_AGENT_CCURL_SHIM_H
#include <curl/curl.h>
#include <openssl/ssl.h>

// curl_easy_setopt, curl_multi_setopt and curl_easy_getinfo are variadic: Swift needs one typed
// entry point per argument type.
typedef size_t (*ccurl_data_cb)(char *ptr, size_t size, size_t nmemb, void *userdata);
typedef int (*ccurl_socket_cb)(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp);
typedef int (*ccurl_timer_cb)(CURLM *multi, long timeout_ms, void *userp);
typedef curl_socket_t (*ccurl_opensocket_cb)(void *clientp, curlsocktype purpose, struct curl_sockaddr *address);
typedef int (*ccurl_closesocket_cb)(void *clientp, curl_socket_t socket);

static inline CURLcode ccurl_easy_setopt_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode ccurl_easy_setopt_off(CURL *h, CURLoption o, curl_off_t v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode ccurl_easy_setopt_string(CURL *h, CURLoption o, const char *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode ccurl_easy_setopt_pointer(CURL *h, CURLoption o, void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode ccurl_easy_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode ccurl_easy_setopt_blob(CURL *h, CURLoption o, void *data, size_t len) {
    struct curl_blob blob = { data, len, CURL_BLOB_COPY };
    return curl_easy_setopt(h, o, &blob);
}
static inline CURLcode ccurl_easy_setopt_data_cb(CURL *h, CURLoption o, ccurl_data_cb v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode ccurl_easy_setopt_opensocket_cb(CURL *h, ccurl_opensocket_cb v) { return curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, v); }
static inline CURLcode ccurl_easy_setopt_closesocket_cb(CURL *h, ccurl_closesocket_cb v) { return curl_easy_setopt(h, CURLOPT_CLOSESOCKETFUNCTION, v); }

static inline CURLMcode ccurl_multi_setopt_long(CURLM *m, CURLMoption o, long v) { return curl_multi_setopt(m, o, v); }
static inline CURLMcode ccurl_multi_setopt_pointer(CURLM *m, CURLMoption o, void *v) { return curl_multi_setopt(m, o, v); }
static inline CURLMcode ccurl_multi_setopt_socket_cb(CURLM *m, ccurl_socket_cb v) { return curl_multi_setopt(m, CURLMOPT_SOCKETFUNCTION, v); }
static inline CURLMcode ccurl_multi_setopt_timer_cb(CURLM *m, ccurl_timer_cb v) { return curl_multi_setopt(m, CURLMOPT_TIMERFUNCTION, v); }

static inline CURLcode ccurl_easy_getinfo_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode ccurl_easy_getinfo_pointer(CURL *h, CURLINFO i, void **v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode ccurl_easy_getinfo_socket(CURL *h, curl_socket_t *v) { return curl_easy_getinfo(h, CURLINFO_ACTIVESOCKET, v); }
static inline CURLcode ccurl_easy_getinfo_string(CURL *h, CURLINFO i, char **v) { return curl_easy_getinfo(h, i, v); }

// curl asks OpenSSL to free a connection's record buffers (16 KiB each) whenever they are empty
// (SSL_MODE_RELEASE_BUFFERS): on a kept-alive connection, a malloc and a free of each per request.
static CURLcode ccurl_keep_tls_buffers_cb(CURL *easy, void *ssl_ctx, void *userptr) {
    (void)easy;
    (void)userptr;
    SSL_CTX_clear_mode((SSL_CTX *)ssl_ctx, SSL_MODE_RELEASE_BUFFERS);
    return CURLE_OK;
}
static inline CURLcode ccurl_easy_keep_tls_buffers(CURL *h) {
    return curl_easy_setopt(h, CURLOPT_SSL_CTX_FUNCTION, ccurl_keep_tls_buffers_cb);
}

// For the pool's connections also OpenSSL's read-ahead: a record is read with one recv instead of two
// (its 5-byte header, then the rest). curl's own engine must not have it: it asks OpenSSL only
// SSL_pending whether more is buffered, and a record read ahead but not yet decrypted would wait for
// a socket event that never comes. The pool reads until OpenSSL wants the socket again.
static CURLcode ccurl_pool_tls_cb(CURL *easy, void *ssl_ctx, void *userptr) {
    SSL_CTX_set_read_ahead((SSL_CTX *)ssl_ctx, 1);
    return ccurl_keep_tls_buffers_cb(easy, ssl_ctx, userptr);
}
static inline CURLcode ccurl_easy_pool_tls(CURL *h) {
    return curl_easy_setopt(h, CURLOPT_SSL_CTX_FUNCTION, ccurl_pool_tls_cb);
}

static inline size_t ccurl_writefunc_pause(void) { return CURL_WRITEFUNC_PAUSE; }
static inline int ccurl_pause_all(void) { return CURLPAUSE_ALL; }
static inline int ccurl_pause_cont(void) { return CURLPAUSE_CONT; }
static inline int ccurl_poll_in(void) { return CURL_POLL_IN; }
static inline int ccurl_poll_out(void) { return CURL_POLL_OUT; }
static inline int ccurl_poll_remove(void) { return CURL_POLL_REMOVE; }
static inline int ccurl_cselect_in(void) { return CURL_CSELECT_IN; }
static inline int ccurl_cselect_out(void) { return CURL_CSELECT_OUT; }
static inline curl_socket_t ccurl_socket_timeout(void) { return CURL_SOCKET_TIMEOUT; }
#endif
