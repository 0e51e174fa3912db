import Foundation
import Rooms

/// Server → client messages as JSON text (Docs/signaling.md).
enum SignalingMessage {
    /// `{"type": …}` merged with the fields of `payload`.
    private struct Typed<Payload: Encodable>: Encodable {
        enum Key: String, CodingKey { case type }
        let type: String
        let payload: Payload
        func encode(to encoder: any Encoder) throws {
            try payload.encode(to: encoder)
            var c = encoder.container(keyedBy: Key.self)
            try c.encode(type, forKey: .type)
        }
    }

    private struct Empty: Encodable {}

    static func text<P: Encodable>(_ type: String, _ payload: P) -> String {
        let data = (try? JSONEncoder.api.encode(Typed(type: type, payload: payload))) ?? Data("{\"type\":\"\(type)\"}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    static func text(_ type: String) -> String { text(type, Empty()) }

    static func error(_ code: String, _ message: String, requestType: String? = nil) -> String {
        struct E: Encodable { var code: String; var message: String; var requestType: String? }
        return text("error", E(code: code, message: message, requestType: requestType))
    }

    /// One room event; `iceServers` and `resumeToken` go into `joined` and `resumed`.
    static func text(for event: RoomEvent, iceServers: [ICEServer], resumeToken: String? = nil) -> String {
        struct J: Encodable {
            var participantId: String; var role: String; var handRaised: Bool; var room: RoomInfo
            var participants: [ParticipantSummary]; var chat: [ChatMessage]; var lobby: [LobbyEntry]
            var iceServers: [ICEServer]; var resumeToken: String?; var mediaReset: Bool?
        }
        func joined(_ s: JoinedState, mediaReset: Bool?) -> J {
            J(participantId: s.participantId, role: s.role.rawValue, handRaised: s.handRaised, room: s.room,
              participants: s.participants, chat: s.chat, lobby: s.lobby, iceServers: iceServers,
              resumeToken: resumeToken, mediaReset: mediaReset)
        }
        switch event {
        case .joined(let s):
            return text("joined", joined(s, mediaReset: nil))
        case .resumed(let s, let mediaReset):
            return text("resumed", joined(s, mediaReset: mediaReset))
        case .mediaReset:
            return text("media.reset")
        case .lobbyWaiting: return text("lobby.waiting")
        case .lobbyDenied: return text("lobby.denied")
        case .lobbyUpdated(let waiting):
            struct L: Encodable { var waiting: [LobbyEntry] }
            return text("lobby.updated", L(waiting: waiting))
        case .subscribeOffer(let sdp, let tracks):
            struct O: Encodable { var sdp: String; var tracks: [SubscribedTrackInfo] }
            return text("subscribe.offer", O(sdp: sdp, tracks: tracks))
        case .participantJoined(let p):
            struct P: Encodable { var participant: ParticipantSummary }
            return text("participant.joined", P(participant: p))
        case .participantUpdated(let p):
            struct P: Encodable { var participant: ParticipantSummary }
            return text("participant.updated", P(participant: p))
        case .participantLeft(let id, let reason):
            struct P: Encodable { var participantId: String; var reason: String }
            return text("participant.left", P(participantId: id, reason: reason))
        case .activeSpeaker(let id):
            struct S: Encodable {
                var participantId: String?
                func encode(to encoder: any Encoder) throws {
                    enum K: String, CodingKey { case participantId }
                    var c = encoder.container(keyedBy: K.self)
                    try c.encode(participantId, forKey: .participantId)  // null, not absent
                }
            }
            return text("speaker.active", S(participantId: id))
        case .chat(let m):
            struct C: Encodable { var message: ChatMessage }
            return text("chat.message", C(message: m))
        case .roomUpdated(let info):
            struct R: Encodable { var room: RoomInfo }
            return text("room.updated", R(room: info))
        case .mutedByHost(let source):
            struct M: Encodable { var source: String }
            return text("muted.byHost", M(source: source))
        case .removed(let reason):
            struct R: Encodable { var reason: String }
            return text("removed", R(reason: reason))
        case .ended:
            return text("room.ended")
        case .notice(let message):
            struct N: Encodable { var message: String }
            return text("notice", N(message: message))
        case .reaction(let id, let emoji):
            struct R: Encodable { var participantId: String; var emoji: String }
            return text("reaction", R(participantId: id, emoji: emoji))
        }
    }
}

/// An RTCIceServer for the browser.
struct ICEServer: Encodable, Sendable, Equatable {
    var urls: [String]
    var username: String?
    var credential: String?
}
