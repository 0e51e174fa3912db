/// Why Parley cannot use a phone's offer or answer.
public enum PhoneNegotiationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The SDP does not parse.
    case malformed(SDPParseError)
    /// No `m=audio` line with a non-zero port.
    case noAudio
    /// Audio is offered only over transports other than RTP/AVP(F) and
    /// RTP/SAVP(F) (the protos are listed).
    case unsupportedTransport([String])
    /// None of the offered audio formats is one Parley supports and prefers
    /// (the offered rtpmaps are listed, e.g. `G729/8000`).
    case noCommonCodec(offered: [String])
    /// RTP/SAVP without an `a=crypto` line Parley can use (RFC 4568 §7.1.2).
    case noUsableCrypto
    /// Plain RTP offered on a call that must protect its media (SIP over TLS).
    case srtpRequired
    /// No `c=` at the media or the session level, or one that is not
    /// `IN IP4`/`IN IP6`.
    case missingConnection
    /// A phone's answer does not fit Parley's offer (the reason says how).
    case badAnswer(String)
    /// The offer passed to `readAnswer` is not one Parley can read.
    case invalidOffer(String)

    /// The SIP status to reject an INVITE with: 400 for SDP that does not
    /// parse, otherwise 488 Not Acceptable Here (RFC 3261 §21.4.26).
    public var sipStatus: Int {
        if case .malformed = self { return 400 }
        return 488
    }

    public var description: String {
        switch self {
        case .malformed(let error): "malformed SDP: \(error)"
        case .noAudio: "no audio stream offered"
        case .unsupportedTransport(let protos): "unsupported audio transport \(protos.joined(separator: ", "))"
        case .noCommonCodec(let offered): "no common codec (offered \(offered.joined(separator: ", ")))"
        case .noUsableCrypto: "RTP/SAVP without a usable a=crypto (need AES_CM_128_HMAC_SHA1_80 or _32)"
        case .srtpRequired: "a call over TLS must protect its audio: offer RTP/SAVP with a=crypto (SDES-SRTP)"
        case .missingConnection: "no usable c= line"
        case .badAnswer(let reason): "bad answer: \(reason)"
        case .invalidOffer(let reason): "invalid offer: \(reason)"
        }
    }
}
