#ifndef NODE_AGENT_CCURL_SHIM_H
#define NODE_AGENT_CCURL_SHIM_H
#include <curl/curl.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

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
// The pool also learns the connection's SSL once the handshake is done (see ccurl_wire_send):
// curl's CURLINFO_TLS_SSL_PTR no longer names it after a CONNECT_ONLY transfer. curl makes one SSL_CTX
// per connection, so its app data can point at the easy handle's slot.
static void ccurl_pool_handshake_cb(const SSL *ssl, int where, int ret) {
    (void)ret;
    if (!(where & SSL_CB_HANDSHAKE_DONE)) return;
    SSL **slot = (SSL **)SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl));
    if (slot != NULL) *slot = (SSL *)ssl;
}
static CURLcode ccurl_pool_tls_cb(CURL *easy, void *ssl_ctx, void *userptr) {
    SSL_CTX_set_read_ahead((SSL_CTX *)ssl_ctx, 1);
    SSL_CTX_set_app_data((SSL_CTX *)ssl_ctx, userptr);
    SSL_CTX_set_info_callback((SSL_CTX *)ssl_ctx, ccurl_pool_handshake_cb);
    return ccurl_keep_tls_buffers_cb(easy, ssl_ctx, NULL);
}
/// `handshaken` receives the connection's SSL when its handshake is done; it must outlive the handle.
static inline CURLcode ccurl_easy_pool_tls(CURL *h, SSL **handshaken) {
    CURLcode code = curl_easy_setopt(h, CURLOPT_SSL_CTX_DATA, (void *)handshaken);
    return code != CURLE_OK ? code : curl_easy_setopt(h, CURLOPT_SSL_CTX_FUNCTION, ccurl_pool_tls_cb);
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
// The pool's own I/O on a connection curl opened and secured (CURLOPT_CONNECT_ONLY). curl_easy_send
// and curl_easy_recv cost 7.3 % of the heartbeat's CPU samples around OpenSSL's own: its transfer checks,
// its connection filters, and a BIO that reads and writes through them. Once the handshake is done the
// pool gives curl's SSL a socket BIO of its own and calls OpenSSL directly; curl still owns the SSL and
// the socket, and closes both (with its close_notify, now through this BIO) when the handle goes.
// OpenSSL keeps what it read ahead in the SSL's record layer, not in the BIO: nothing is lost in the swap.
// The BIO sends with MSG_NOSIGNAL: a write to a closed peer must be an error, not a SIGPIPE.
/// The last socket call failed only for want of room or input, or was interrupted: try again later.
static inline int ccurl_wire_would_block(void) { return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR; }
static int ccurl_wire_bio_write(BIO *bio, const char *buffer, int length) {
    BIO_clear_retry_flags(bio);
    ssize_t n = send((int)(intptr_t)BIO_get_data(bio), buffer, (size_t)length, MSG_NOSIGNAL);
    if (n < 0 && ccurl_wire_would_block()) BIO_set_retry_write(bio);
    return (int)n;
}
static int ccurl_wire_bio_read(BIO *bio, char *buffer, int length) {
    BIO_clear_retry_flags(bio);
    ssize_t n = recv((int)(intptr_t)BIO_get_data(bio), buffer, (size_t)length, 0);
    if (n < 0 && ccurl_wire_would_block()) BIO_set_retry_read(bio);
    return (int)n;
}
static long ccurl_wire_bio_ctrl(BIO *bio, int command, long number, void *pointer) {
    (void)bio;
    (void)number;
    (void)pointer;
    return command == BIO_CTRL_FLUSH ? 1 : 0;
}
static int ccurl_wire_bio_create(BIO *bio) {
    BIO_set_init(bio, 1);
    return 1;
}
/// Made once by the caller and kept for the process's life.
static inline BIO_METHOD *ccurl_wire_bio_method_new(void) {
    BIO_METHOD *method = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "node-agent pool socket");
    if (method == NULL) return NULL;
    BIO_meth_set_write(method, ccurl_wire_bio_write);
    BIO_meth_set_read(method, ccurl_wire_bio_read);
    BIO_meth_set_ctrl(method, ccurl_wire_bio_ctrl);
    BIO_meth_set_create(method, ccurl_wire_bio_create);
    return method;
}

/// Gives `ssl` (curl's, its handshake done) a socket BIO of `method` on `socket`; 0 when it cannot.
static inline int ccurl_wire_adopt_tls(SSL *ssl, curl_socket_t socket, BIO_METHOD *method) {
    if (ssl == NULL || method == NULL || !SSL_is_init_finished(ssl)) return 0;
    BIO *bio = BIO_new(method);
    if (bio == NULL) return 0;
    BIO_set_data(bio, (void *)(intptr_t)socket);
    SSL_set_bio(ssl, bio, bio);  // frees curl's BIO; the SSL holds the one reference to ours
    return 1;
}

/// Writes the one-line reason for the last failed call into `detail` (CURL_ERROR_SIZE bytes).
static inline void ccurl_wire_describe(int ssl_error, int saved_errno, char *detail) {
    unsigned long queued = ERR_peek_last_error();
    if (ssl_error == SSL_ERROR_SSL && queued != 0) {
        ERR_error_string_n(queued, detail, CURL_ERROR_SIZE);
    } else if (saved_errno != 0) {
        snprintf(detail, CURL_ERROR_SIZE, "%s", strerror(saved_errno));
    } else {
        snprintf(detail, CURL_ERROR_SIZE, "TLS error %d", ssl_error);
    }
    ERR_clear_error();
}

/// A plain socket call's result `n` as curl words it: CURLE_OK with the count, CURLE_AGAIN, or `failure`
/// with `detail`.
static inline CURLcode ccurl_wire_socket_result(ssize_t n, size_t *count, CURLcode failure, char *detail) {
    if (n >= 0) { *count = (size_t)n; return CURLE_OK; }
    if (ccurl_wire_would_block()) return CURLE_AGAIN;
    ccurl_wire_describe(SSL_ERROR_SYSCALL, errno, detail);
    return failure;
}

/// As curl_easy_send: CURLE_OK with the count sent, CURLE_AGAIN, or CURLE_SEND_ERROR with `detail`.
/// Over TLS a send that would block must be repeated with the same bytes (OpenSSL's rule). A NULL
/// `ssl` is a plain TCP connection.
static inline CURLcode ccurl_wire_send(SSL *ssl, curl_socket_t socket, const void *buffer, size_t length, size_t *sent, char *detail) {
    *sent = 0;
    if (ssl == NULL) return ccurl_wire_socket_result(send(socket, buffer, length, MSG_NOSIGNAL), sent, CURLE_SEND_ERROR, detail);
    ERR_clear_error();
    errno = 0;
    int n = SSL_write(ssl, buffer, length > INT_MAX ? INT_MAX : (int)length);
    if (n > 0) { *sent = (size_t)n; return CURLE_OK; }
    int error = SSL_get_error(ssl, n);
    if (error == SSL_ERROR_WANT_WRITE || error == SSL_ERROR_WANT_READ) return CURLE_AGAIN;
    ccurl_wire_describe(error, errno, detail);
    return CURLE_SEND_ERROR;
}

/// As curl_easy_recv: CURLE_OK with the count read (0 at the end of the stream: a close_notify or the
/// peer's close), CURLE_AGAIN, or CURLE_RECV_ERROR with `detail`.
static inline CURLcode ccurl_wire_recv(SSL *ssl, curl_socket_t socket, void *buffer, size_t length, size_t *received, char *detail) {
    *received = 0;
    if (ssl == NULL) return ccurl_wire_socket_result(recv(socket, buffer, length, 0), received, CURLE_RECV_ERROR, detail);
    ERR_clear_error();
    errno = 0;
    int n = SSL_read(ssl, buffer, length > INT_MAX ? INT_MAX : (int)length);
    if (n > 0) { *received = (size_t)n; return CURLE_OK; }
    int error = SSL_get_error(ssl, n);
    switch (error) {
    case SSL_ERROR_WANT_READ:
    case SSL_ERROR_WANT_WRITE:
        return CURLE_AGAIN;
    case SSL_ERROR_ZERO_RETURN:
        return CURLE_OK;
    case SSL_ERROR_SYSCALL:
        // A close without close_notify: an end of stream, as curl (SSL_OP_IGNORE_UNEXPECTED_EOF) has it.
        if (errno == 0) { ERR_clear_error(); return CURLE_OK; }
        break;
    case SSL_ERROR_SSL:
        if (ERR_GET_REASON(ERR_peek_last_error()) == SSL_R_UNEXPECTED_EOF_WHILE_READING) { ERR_clear_error(); return CURLE_OK; }
        break;
    }
    ccurl_wire_describe(error, errno, detail);
    return CURLE_RECV_ERROR;
}

/// Whether the last SSL call waits for the socket to take more (a TLS 1.3 key update answered while reading).
static inline int ccurl_wire_wants_write(SSL *ssl) { return ssl != NULL && SSL_want_write(ssl); }
// Whether OpenSSL holds bytes it read ahead (a partial record counts): without any, a short read
// drained the socket, and asking it again would only return EAGAIN.
static inline int ccurl_wire_has_pending(SSL *ssl) { return ssl != NULL && SSL_has_pending(ssl); }
#endif
