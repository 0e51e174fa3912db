import COpenSSL

/// One OpenSSL `SSL_CTX` for the node: DTLS 1.2, the node's certificate, both
/// SRTP profiles WebRTC uses (RFC 5764 §4.1.2, RFC 7714 §14.2), and a peer
/// certificate required but checked by fingerprint, not by a CA.
public final class DTLSContext: @unchecked Sendable {
    // SSL_CTX is thread-safe for creating sessions once configured.
    let context: OpaquePointer
    /// The node's certificate (its fingerprint goes into every SDP).
    public let certificate: DTLSCertificate

    /// Profiles in preference order: AES-GCM first (cheaper and stronger), then AES-CM/HMAC-SHA1-80.
    public static let srtpProfiles = "SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80"

    public init(certificate: DTLSCertificate, srtpProfiles: String = DTLSContext.srtpProfiles) throws(DTLSError) {
        guard let ctx = SSL_CTX_new(DTLS_method()) else { throw .openSSL(DTLSError.lastOpenSSLError()) }
        self.context = ctx
        self.certificate = certificate
        guard SSL_CTX_use_certificate(ctx, certificate.certificate) == 1,
              SSL_CTX_use_PrivateKey(ctx, certificate.key) == 1,
              SSL_CTX_check_private_key(ctx) == 1
        else { throw .openSSL(DTLSError.lastOpenSSLError()) }
        guard parley_ssl_ctx_set_min_dtls12(ctx) == 1 else { throw .openSSL(DTLSError.lastOpenSSLError()) }
        _ = parley_ssl_ctx_set_ecdh_auto(ctx)
        guard SSL_CTX_set_cipher_list(ctx, "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384") == 1 else {
            throw .openSSL(DTLSError.lastOpenSSLError())
        }
        // Note: returns 0 on success (TESTING.md).
        guard SSL_CTX_set_tlsext_use_srtp(ctx, srtpProfiles) == 0 else { throw .openSSL(DTLSError.lastOpenSSLError()) }
        parley_ssl_ctx_require_peer_certificate(ctx)
        parley_ssl_ctx_set_read_ahead(ctx)
        parley_ssl_ctx_release_idle_buffers(ctx)
    }

    deinit { SSL_CTX_free(context) }
}
