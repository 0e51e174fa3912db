import NIOCore

/// The engine as tasks hold it: they come back to it on its loop.
struct GatewayEngineHandle: Sendable {
    let bound: NIOLoopBound<GatewayEngine>

    /// Runs `body` on the gateway loop with the engine.
    func later(_ body: @escaping @Sendable (GatewayEngine) -> Void) {
        let bound = self.bound
        bound.eventLoop.execute { body(bound.value) }
    }
}
