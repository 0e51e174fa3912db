import Rooms

extension RoomLocation.RemoteNode {
    /// `path` on the node's HTTP server (its `cluster.internal_url`, any
    /// trailing slash dropped); with `webSocket`, as ws:// or wss://. Nil
    /// for an address that is not http(s).
    func url(_ path: String, webSocket: Bool = false) -> String? {
        var base = httpURL
        while base.hasSuffix("/") { base.removeLast() }
        for (scheme, socketScheme) in [("http://", "ws://"), ("https://", "wss://")] where base.hasPrefix(scheme) {
            return (webSocket ? socketScheme + base.dropFirst(scheme.count) : base) + path
        }
        return nil
    }
}
