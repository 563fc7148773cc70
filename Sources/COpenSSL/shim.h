#ifndef NODE_AGENT_COPENSSL_SHIM_H
#define NODE_AGENT_COPENSSL_SHIM_H
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/bio.h>
#include <openssl/evp.h>

// OpenSSL exposes these as function-like macros or macro constants; Swift imports neither.
static inline int cssl_ctx_set_min_tls12(SSL_CTX *ctx) { return (int)SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION); }
static inline long cssl_ctx_set_release_buffers(SSL_CTX *ctx) { return SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER); }
static inline uint64_t cssl_ctx_set_server_options(SSL_CTX *ctx) {
    return SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_RENEGOTIATION);
}
static inline long cssl_ctx_add_extra_chain_cert(SSL_CTX *ctx, X509 *cert) { return SSL_CTX_add_extra_chain_cert(ctx, cert); }
static inline size_t cssl_bio_pending(BIO *bio) { return BIO_ctrl_pending(bio); }
static inline int cssl_verify_peer_required(void) { return SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT; }
static inline int cssl_verify_peer(void) { return SSL_VERIFY_PEER; }
static inline int cssl_verify_none(void) { return SSL_VERIFY_NONE; }
static inline int cssl_error_want_read(void) { return SSL_ERROR_WANT_READ; }
static inline int cssl_error_want_write(void) { return SSL_ERROR_WANT_WRITE; }
static inline int cssl_error_zero_return(void) { return SSL_ERROR_ZERO_RETURN; }
static inline int cssl_nid_common_name(void) { return NID_commonName; }
static inline int cssl_nid_organization(void) { return NID_organizationName; }

// Certificate generation (Sources/HTTPServer/Certificates). EVP_PKEY_Q_keygen is variadic; the
// GENERAL_NAMES stack operations are function-like macros.
static inline EVP_PKEY *cssl_generate_ec_p256_key(void) { return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256"); }
static inline GENERAL_NAMES *cssl_general_names_new(void) { return sk_GENERAL_NAME_new_null(); }
static inline int cssl_general_names_push(GENERAL_NAMES *names, GENERAL_NAME *name) { return sk_GENERAL_NAME_push(names, name); }
#endif
