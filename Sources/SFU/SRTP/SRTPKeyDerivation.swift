import COpenSSL

/// SRTP's key derivation (RFC 3711 §4.3) with the AES-CM PRF (§4.3.3) and a
/// key derivation rate of 0, as DTLS-SRTP uses it (RFC 5764 §4.1.2 forbids
/// any other rate), for AES-128 master keys and 96- or 112-bit master salts.
/// A 96-bit salt (AES-GCM, RFC 7714 §11) fills the first 12 of the PRF's
/// 14 salt bytes, the last two zero: so libsrtp does it, and with it every
/// browser; the interop tests check it against libsrtp.
enum SRTPKeyDerivation {
    /// Labels of §4.3.2 (and RFC 7714 §11's use of them).
    enum Label: UInt8 {
        case rtpEncryption = 0x00
        case rtpSalt = 0x02
        case rtcpEncryption = 0x03
        case rtcpSalt = 0x05
    }

    /// The first `length` bytes of PRF(master key, key_id XOR master salt):
    /// AES in counter mode from IV = x · 2^16. Nil if OpenSSL fails.
    static func derive(masterKey: [UInt8], masterSalt: [UInt8], label: Label, length: Int) -> [UInt8]? {
        guard masterKey.count == 16, masterSalt.count <= 14, length > 0 else { return nil }
        // x: 112 bits; key_id = label || r (48 bits, r = 0) sits in its last 7
        // bytes, the salt from its first.
        var x = [UInt8](repeating: 0, count: 14)
        x[7] = label.rawValue
        for (i, byte) in masterSalt.enumerated() { x[i] ^= byte }
        let iv = x + [0, 0]
        guard let context = EVP_CIPHER_CTX_new() else { return nil }
        defer { EVP_CIPHER_CTX_free(context) }
        guard EVP_EncryptInit_ex(context, EVP_aes_128_ctr(), nil, masterKey, iv) == 1 else { return nil }
        let zeros = [UInt8](repeating: 0, count: length)
        var out = [UInt8](repeating: 0, count: length + 16)
        var written: Int32 = 0
        guard EVP_EncryptUpdate(context, &out, &written, zeros, Int32(length)) == 1, written == Int32(length) else { return nil }
        return Array(out[0..<length])
    }
}
