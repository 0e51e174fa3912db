import COpenSSL

/// The node's DTLS identity: an ECDSA P-256 key and a self-signed certificate,
/// made at start-up. Browsers authenticate it by the SHA-256 fingerprint that
/// Parley puts in its SDP (RFC 8827 §6.5, RFC 8122 §5).
public final class DTLSCertificate: @unchecked Sendable {
    // Immutable after init; OpenSSL objects are only read (reference-counted by SSL_CTX).
    let key: OpaquePointer
    let certificate: OpaquePointer

    /// The certificate's SHA-256 fingerprint as SDP writes it: "AB:CD:…".
    public let sha256Fingerprint: String

    /// Makes a new key and certificate.
    public init() throws(DTLSError) {
        guard let key = parley_ec_p256_key() else { throw .openSSL(DTLSError.lastOpenSSLError()) }
        let name = "parley-" + String(UInt64.random(in: 0...UInt64.max), radix: 16)
        guard let cert = parley_self_signed_certificate(key, name) else {
            EVP_PKEY_free(key)
            throw .openSSL(DTLSError.lastOpenSSLError())
        }
        self.key = key
        self.certificate = cert
        guard let digest = DTLSCertificate.digest(of: cert, algorithm: "sha-256") else {
            X509_free(cert); EVP_PKEY_free(key)
            throw .openSSL("X509_digest failed")
        }
        self.sha256Fingerprint = DTLSCertificate.formatFingerprint(digest)
    }

    deinit {
        X509_free(certificate)
        EVP_PKEY_free(key)
    }

    /// The digest of a certificate with one of the hash functions SDP names
    /// ("sha-1", "sha-256", "sha-384", "sha-512"; RFC 8122 §5).
    static func digest(of certificate: OpaquePointer, algorithm: String) -> [UInt8]? {
        let name: String
        switch algorithm.lowercased() {
        case "sha-1": name = "SHA1"
        case "sha-224": name = "SHA224"
        case "sha-256": name = "SHA256"
        case "sha-384": name = "SHA384"
        case "sha-512": name = "SHA512"
        default: return nil
        }
        guard let md = EVP_get_digestbyname(name) else { return nil }
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        guard X509_digest(certificate, md, &out, &length) == 1 else { return nil }
        return Array(out.prefix(Int(length)))
    }

    /// "AB:CD:…" upper-case hex pairs.
    static func formatFingerprint(_ bytes: [UInt8]) -> String {
        let hex: [Character] = Array("0123456789ABCDEF")
        var s = ""
        s.reserveCapacity(bytes.count * 3)
        for (i, b) in bytes.enumerated() {
            if i > 0 { s.append(":") }
            s.append(hex[Int(b >> 4)]); s.append(hex[Int(b & 0xF)])
        }
        return s
    }
}
