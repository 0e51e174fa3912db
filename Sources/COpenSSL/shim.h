// Fixed-arity wrappers for the parts of OpenSSL 3 that Swift cannot call:
// function-like macros (SSL_CTX_set_*, DTLSv1_*, BIO_set_*) and the variadic
// key generator. Everything here is `static inline`; the module links the
// system's libssl and libcrypto (Debian's libssl-dev).
#ifndef PARLEY_COPENSSL_SHIM_H
#define PARLEY_COPENSSL_SHIM_H

#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/bn.h>
#include <string.h>

/// A fresh ECDSA P-256 key (WebRTC's usual DTLS key; RFC 8827 §6.5 only asks
/// for a self-signed certificate). NULL on failure.
static inline EVP_PKEY *parley_ec_p256_key(void) {
    return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
}

static inline int parley_ssl_ctx_set_min_dtls12(SSL_CTX *ctx) {
    return (int)SSL_CTX_set_min_proto_version(ctx, DTLS1_2_VERSION);
}

static inline void parley_ssl_ctx_set_read_ahead(SSL_CTX *ctx) {
    SSL_CTX_set_read_ahead(ctx, 1);
}

/// Frees a connection's read and write buffers while they are empty: after
/// the handshake a DTLS connection is idle until close_notify.
static inline void parley_ssl_ctx_release_idle_buffers(SSL_CTX *ctx) {
    SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
}

static inline int parley_ssl_ctx_set_ecdh_auto(SSL_CTX *ctx) {
    return (int)SSL_CTX_set1_groups_list(ctx, "P-256:X25519:P-384");
}

static int parley_accept_any_certificate(int preverify_ok, X509_STORE_CTX *ctx) {
    // WebRTC certificates are self-signed; the peer is authenticated by the
    // fingerprint from its SDP, checked after the handshake (RFC 8827 §6.5).
    (void)preverify_ok; (void)ctx;
    return 1;
}

static inline void parley_ssl_ctx_require_peer_certificate(SSL_CTX *ctx) {
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, parley_accept_any_certificate);
}

static inline void parley_ssl_set_mtu(SSL *ssl, long mtu) {
    SSL_set_options(ssl, SSL_OP_NO_QUERY_MTU);
    SSL_set_mtu(ssl, mtu);
    DTLS_set_link_mtu(ssl, mtu);
}

/// Milliseconds until the DTLS retransmission timer fires, or -1 if none runs.
static inline long parley_dtls_timeout_ms(SSL *ssl) {
    struct timeval tv;
    if (DTLSv1_get_timeout(ssl, &tv) != 1) return -1;
    return (long)tv.tv_sec * 1000 + (long)tv.tv_usec / 1000;
}

static inline int parley_dtls_handle_timeout(SSL *ssl) {
    return (int)DTLSv1_handle_timeout(ssl);
}

static inline void parley_bio_set_mem_eof_return(BIO *bio, int value) {
    BIO_set_mem_eof_return(bio, value);
}

static inline unsigned long parley_srtp_profile_id(SSL *ssl) {
    SRTP_PROTECTION_PROFILE *profile = SSL_get_selected_srtp_profile(ssl);
    return profile ? profile->id : 0;
}


#include <stdlib.h>

/// Outgoing datagrams of one DTLS session. OpenSSL writes each datagram with
/// one BIO_write; a memory BIO would glue them together, so this BIO keeps
/// the boundaries (a DTLS flight may need several datagrams under the MTU).
typedef struct parley_datagram_queue {
    unsigned char *bytes;
    size_t length, capacity;
    size_t ends[64];
    int count;
} parley_datagram_queue;

static int parley_queue_write(BIO *bio, const char *data, int length) {
    parley_datagram_queue *q = (parley_datagram_queue *)BIO_get_data(bio);
    if (q == NULL || length <= 0) return 0;
    if (q->count == 64) return -1;
    if (q->length + (size_t)length > q->capacity) {
        size_t cap = q->capacity ? q->capacity * 2 : 4096;
        while (cap < q->length + (size_t)length) cap *= 2;
        unsigned char *grown = (unsigned char *)realloc(q->bytes, cap);
        if (grown == NULL) return -1;
        q->bytes = grown;
        q->capacity = cap;
    }
    memcpy(q->bytes + q->length, data, (size_t)length);
    q->length += (size_t)length;
    q->ends[q->count++] = q->length;
    return length;
}

static long parley_queue_ctrl(BIO *bio, int cmd, long num, void *ptr) {
    (void)bio; (void)num; (void)ptr;
    switch (cmd) {
    case BIO_CTRL_FLUSH: return 1;
    case BIO_CTRL_WPENDING: return 0;
    case BIO_CTRL_PENDING: return 0;
    case BIO_CTRL_DGRAM_QUERY_MTU: return 1200;
    case BIO_CTRL_DGRAM_GET_MTU_OVERHEAD: return 28;
    default: return 0;
    }
}

static int parley_queue_create(BIO *bio) { BIO_set_init(bio, 1); return 1; }
static int parley_queue_destroy(BIO *bio) { (void)bio; return 1; }

/// The BIO method for `parley_queue_bio`; make it once per process (Swift
/// keeps it in a static) because header statics are not emitted for Swift.
static inline BIO_METHOD *parley_queue_method_new(void) {
    BIO_METHOD *m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "parley datagram queue");
    if (m == NULL) return NULL;
    BIO_meth_set_write(m, parley_queue_write);
    BIO_meth_set_ctrl(m, parley_queue_ctrl);
    BIO_meth_set_create(m, parley_queue_create);
    BIO_meth_set_destroy(m, parley_queue_destroy);
    return m;
}

static inline parley_datagram_queue *parley_queue_new(void) {
    return (parley_datagram_queue *)calloc(1, sizeof(parley_datagram_queue));
}
static inline void parley_queue_free(parley_datagram_queue *q) {
    if (q) { free(q->bytes); free(q); }
}
static inline void parley_queue_clear(parley_datagram_queue *q) { q->length = 0; q->count = 0; }
static inline int parley_queue_count(const parley_datagram_queue *q) { return q->count; }
static inline const unsigned char *parley_queue_datagram(const parley_datagram_queue *q, int index, size_t *length) {
    size_t start = index == 0 ? 0 : q->ends[index - 1];
    *length = q->ends[index] - start;
    return q->bytes + start;
}

/// A write BIO that appends each datagram to `queue` (owned by the caller).
static inline BIO *parley_queue_bio(BIO_METHOD *method, parley_datagram_queue *queue) {
    BIO *bio = BIO_new(method);
    if (bio) BIO_set_data(bio, queue);
    return bio;
}

/// Builds a self-signed X.509 certificate for `key`, valid from a day ago for
/// 30 days, with a random serial and a random common name (as browsers do).
static inline X509 *parley_self_signed_certificate(EVP_PKEY *key, const char *common_name) {
    X509 *x = X509_new();
    if (x == NULL) return NULL;
    X509_set_version(x, 2);
    unsigned char serial[8];
    RAND_bytes(serial, sizeof serial);
    serial[0] &= 0x7f;
    BIGNUM *bn = BN_bin2bn(serial, sizeof serial, NULL);
    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x));
    BN_free(bn);
    X509_gmtime_adj(X509_getm_notBefore(x), -86400L);
    X509_gmtime_adj(X509_getm_notAfter(x), 30L * 86400L);
    X509_set_pubkey(x, key);
    X509_NAME *name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)common_name, -1, -1, 0);
    X509_set_issuer_name(x, name);
    if (X509_sign(x, key, EVP_sha256()) <= 0) { X509_free(x); return NULL; }
    return x;
}

#endif
