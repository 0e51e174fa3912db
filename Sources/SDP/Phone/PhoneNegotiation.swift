/// SDP offer/answer with phones (RFC 3264) for the SIP gateway: one audio
/// stream over plain RTP or SDES-SRTP (RFC 4568), no ICE, no DTLS, no BUNDLE.
///
/// - `answer(offer:…)` answers an INVITE's (or re-INVITE's) offer.
/// - `offer(…)` makes the offer for an INVITE without a body and for dial-out;
///   `readAnswer(_:toOffer:)` reads the phone's answer to it.
///
/// Everything is pure: keys come from an `SRTPKeyProvider`, the o= session id
/// and version from the caller (keep the id and bump the version for every
/// new description in a call, RFC 3264 §8).
public enum PhoneNegotiation {
    /// The packet time Parley sends, in ms.
    public static let localPtime: UInt32 = 20
    /// The `s=` Parley writes.
    static let sessionName = "Parley"
    /// The `o=` username Parley writes.
    static let originUser = "parley"
    /// Telephone-event payload types in Parley's offers (RFC 4733 §7.1).
    static let telephoneEvent8000PayloadType: UInt8 = 101
    static let telephoneEvent48000PayloadType: UInt8 = 110
    /// The events Parley handles: the 16 DTMF events (RFC 4733 §3.2).
    static let telephoneEvents = "0-15"

    /// Whether a proto is one of the RTP profiles Parley speaks to phones
    /// (RFC 3551, RFC 3711, RFC 4585, RFC 5124).
    static func isRTPProfile(_ proto: String) -> Bool {
        ["RTP/AVP", "RTP/SAVP", "RTP/AVPF", "RTP/SAVPF"].contains(proto)
    }

    /// Whether a proto is secure RTP (needs SDES keys).
    static func isSecure(_ proto: String) -> Bool { proto.hasPrefix("RTP/SAVP") }

    /// Whether an rtpmap names telephone-event (RFC 4733 §7.1.1).
    static func isTelephoneEvent(_ codec: RTPCodecParameters) -> Bool {
        SDPSyntax.equalsIgnoringCase(codec.name, "telephone-event")
    }

    /// The peer's transport for a section: address, ports, direction (with an
    /// old-style hold folded in) and ptime.
    struct RemoteEndpoint {
        var address: String
        var port: UInt16
        var rtcpPort: UInt16
        var direction: Direction
        var ptime: UInt32?
    }

    static func remoteEndpoint(of section: MediaDescription,
                               in description: SessionDescription) throws(PhoneNegotiationError) -> RemoteEndpoint {
        guard let connection = description.connection(of: section), connection.netType == "IN",
              connection.addressType == "IP4" || connection.addressType == "IP6", !connection.address.isEmpty
        else { throw .missingConnection }
        var direction = description.direction(of: section)
        // RFC 2543 put a call on hold with c=0.0.0.0; RFC 3264 §8.4 asks us to
        // understand it. The phone cannot receive there, whatever the
        // attribute says.
        if connection.address == "0.0.0.0" || connection.address == "::" {
            direction = switch direction {
            case .sendrecv, .sendonly: .sendonly
            case .recvonly, .inactive: .inactive
            }
        }
        // Parley never accepts a=rtcp-mux toward phones, so RTCP is on its own
        // port (RFC 5761 §5.1.1).
        var rtcpPort = section.port &+ 1
        if let rtcp = section.attribute("rtcp"),
                  let port = SDPSyntax.decimal(SDPSyntax.firstField(rtcp).0, as: UInt16.self), port != 0 {
            rtcpPort = port // RFC 3605 §2.1: `a=rtcp:<port> [<address>]`.
        }
        // ptime belongs to the media level, but some phones write it at the
        // session level.
        let ptime = section.ptime ?? description.attribute("ptime").flatMap { SDPSyntax.decimal($0, as: UInt32.self) }
        return RemoteEndpoint(address: connection.address, port: section.port, rtcpPort: rtcpPort,
                              direction: direction, ptime: ptime)
    }

    /// A rejected copy of an m-line (RFC 3264 §6): port 0, same formats.
    static func rejected(_ section: MediaDescription) -> MediaDescription {
        let formats = section.formats.isEmpty ? ["0"] : section.formats
        return MediaDescription(kind: section.kind, port: 0, proto: section.proto, formats: formats)
    }

    /// The session-level part Parley writes.
    static func skeleton(localAddress: String, sessionID: UInt64, sessionVersion: UInt64) -> SessionDescription {
        let connection = Connection(address: localAddress)
        let origin = Origin(username: originUser, sessionID: sessionID, sessionVersion: sessionVersion,
                            addressType: connection.addressType, address: localAddress)
        return SessionDescription(origin: origin, sessionName: sessionName, connection: connection, timing: ["0 0"])
    }

    /// `a=rtpmap`/`a=fmtp` lines for a codec.
    static func formatAttributes(_ codec: RTPCodecParameters) -> [SDPAttribute] {
        var attributes = [SDPAttribute("rtpmap", "\(codec.payloadType) \(codec.rtpmap)")]
        if let fmtp = codec.fmtp { attributes.append(SDPAttribute("fmtp", "\(codec.payloadType) \(fmtp)")) }
        return attributes
    }

    /// A readable list of what an m-line offers (`PCMU/8000`, `G729/8000`).
    static func offeredNames(_ section: MediaDescription) -> [String] {
        section.codecs.map(\.rtpmap)
    }
}
