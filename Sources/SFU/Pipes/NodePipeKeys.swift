import Crypto
import Foundation

/// The SRTP master key and salt and the SSRC of one direction of a pipe
/// between two nodes' loops, derived from the cluster's shared secret and
/// the two endpoints (HKDF-SHA256, RFC 5869).
///
/// Nodes agree on keys over the control plane without sending any: they
/// exchange endpoints (address, port, epoch) and each derives the same keys.
/// A node that does not hold the cluster's secret derives others, and its
/// datagrams fail authentication.
struct NodePipeKeys: Equatable {
    /// AEAD_AES_128_GCM's master key and salt (RFC 7714 §12: 16 + 12 bytes).
    var keyAndSalt: [UInt8]
    /// The SSRC the sender writes: the receiver finds the link by it.
    var ssrc: UInt32

    static let profile = SRTPProfile.aeadAes128Gcm

    /// The keys of datagrams from `sender` to `receiver`.
    init(secret: [UInt8], from sender: NodePipeEndpoint, to receiver: NodePipeEndpoint) {
        let info = Data("parley pipe v1 \(sender) > \(receiver)".utf8)
        let length = Self.profile.keyLength + Self.profile.saltLength + 4
        let derived = HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: secret), info: info, outputByteCount: length)
        let bytes = derived.withUnsafeBytes { Array($0) }
        keyAndSalt = Array(bytes[0 ..< length - 4])
        ssrc = bytes[(length - 4)...].reduce(0) { $0 << 8 | UInt32($1) }
    }
}
