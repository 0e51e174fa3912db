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
        return parts.isEmpty ? "unknown OpenSSL error" : parts.joined(separator: "; ")
    }
}
