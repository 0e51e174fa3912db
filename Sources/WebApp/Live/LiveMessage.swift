import Foundation

/// Server → browser messages on the notification WebSocket (see the OpenAPI
/// document's `openNotificationSocket` for the list).
enum LiveMessage {
    struct Envelope<Payload: Encodable>: Encodable {
        var type: String
        var payload: Payload

        func encode(to encoder: any Encoder) throws {
            // Flatten: {"type": ..., <payload fields>}
            var container = encoder.container(keyedBy: DynamicKey.self)
            try container.encode(type, forKey: DynamicKey("type"))
            try payload.encode(to: encoder)
        }
    }

    struct DynamicKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ s: String) { stringValue = s }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    static func encode<P: Encodable>(_ type: String, _ payload: P) -> String {
        let data = (try? JSONEncoder.api.encode(Envelope(type: type, payload: payload))) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    static func presence(userId: String, presence: Presence) -> String {
        struct P: Encodable { var userId: String; var presence: Presence }
        return encode("presence", P(userId: userId, presence: presence))
    }

    static func notification(_ notification: NotificationResponse) -> String {
        struct P: Encodable { var notification: NotificationResponse }
        return encode("notification", P(notification: notification))
    }

    static func call(_ call: CallResponse) -> String {
        struct P: Encodable { var call: CallResponse }
        return encode("call", P(call: call))
    }

    static func hello(_ user: UserSummary) -> String {
        struct P: Encodable { var user: UserSummary }
        return encode("hello", P(user: user))
    }

    static let pong = #"{"type":"pong"}"#

    static func error(_ message: String) -> String {
        struct P: Encodable { var message: String }
        return encode("error", P(message: message))
    }
}
