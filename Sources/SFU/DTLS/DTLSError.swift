import COpenSSL

/// Why a DTLS session could not be set up or failed.
public enum DTLSError: Error, Equatable, Sendable {
    /// An OpenSSL call failed; the text is OpenSSL's error queue.
    case openSSL(String)
    /// The handshake failed (bad records, an alert, wrong protocol version).
    case handshakeFailed(String)
    /// The peer's certificate does not match the fingerprint in its SDP (RFC 8827 §6.5).
    case fingerprintMismatch
    /// The peer offered a fingerprint hash we do not support.
    case unsupportedFingerprintAlgorithm(String)
    /// No SRTP profile was negotiated through use_srtp (RFC 5764 §4.1.2).
    case noSRTPProfile

    /// Drains OpenSSL's per-thread error queue into one line; when the queue
    /// is empty, says what `SSL_get_error` reported instead (a close_notify
    /// or a fatal alert from the peer during the handshake queues nothing).
    static func lastOpenSSLError(sslError: Int32) -> String {
        let queued = lastOpenSSLError()
        guard queued == unknown else { return queued }
        switch sslError {
        case SSL_ERROR_ZERO_RETURN: return "the peer closed the connection (close_notify)"
        // OpenSSL 3.0 gives up this way, with no alert and no reason, on a
        // handshake fragment from a later message whose offset + length
        // exceeds its message length (found by Fuzz/FuzzDTLS).
        case SSL_ERROR_SYSCALL: return "the handshake stopped without an OpenSSL error (SSL_ERROR_SYSCALL; e.g. a malformed out-of-order handshake fragment)"
        case SSL_ERROR_SSL: return "protocol error (SSL_ERROR_SSL, no detail queued)"
        default: return "SSL_get_error \(sslError)"
        }
    }

    private static let unknown = "unknown OpenSSL error"

    /// Drains OpenSSL's per-thread error queue into one line.
    static func lastOpenSSLError() -> String {
        var parts: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            parts.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return parts.isEmpty ? unknown : parts.joined(separator: "; ")
    }
}
