import Rooms
import Testing
@testable import WebApp

/// Where this node reaches another node's HTTP server and signaling socket.
@Suite struct RemoteNodeURLTests {
    static func node(_ url: String) -> RoomLocation.RemoteNode { .init(name: "n", httpURL: url, sipAddress: "") }

    @Test("http and https map to ws and wss; trailing slashes go; other schemes are refused")
    func urls() {
        #expect(Self.node("http://10.0.0.11:8080").url("/api/v1/leave") == "http://10.0.0.11:8080/api/v1/leave")
        #expect(Self.node("http://10.0.0.11:8080//").url("/api/v1/signal", webSocket: true) == "ws://10.0.0.11:8080/api/v1/signal")
        #expect(Self.node("https://[fd00::1]:8443/").url("/api/v1/signal", webSocket: true) == "wss://[fd00::1]:8443/api/v1/signal")
        #expect(Self.node("ftp://10.0.0.11").url("/x") == nil)
        #expect(Self.node("").url("/x") == nil)
    }
}
