import HummingbirdWebSocket

extension SocketOutbox {
    /// Writes the queued messages to the socket, in order, until the queue
    /// ends. A client that fell behind is then closed with RFC 6455 §7.4.1
    /// 1013 "try again later", so its page connects afresh. Returns whether
    /// the queue ended normally (the socket is still open for its owner to close).
    @discardableResult
    func write(to outbound: WebSocketOutboundWriter) async throws -> Bool {
        for await text in messages {
            if fellBehind { break }
            try await outbound.write(.text(text))
        }
        guard fellBehind else { return true }
        try await outbound.close(.unknown(1013), reason: "You fell behind; connect again.")
        return false
    }
}
