import Foundation
import Store

/// A stored notification as the API and the WebSocket show it.
struct NotificationResponse: Encodable {
    var id: String
    var kind: String
    var createdAt: String
    @NullEncoded var readAt: String?
    var data: JSONValue

    init(_ record: NotificationRecord) {
        id = record.id
        kind = record.kind
        createdAt = Instant.string(record.createdAt)
        readAt = record.readAt.map(Instant.string)
        data = (try? JSONDecoder().decode(JSONValue.self, from: Data(record.data.utf8))) ?? .object([:])
    }
}
