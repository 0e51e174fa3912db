import Logging
import NIOPosix
import Rooms
import SFU
import Synchronization

/// A participant's connection that records what the room sends it.
final class RecordingConnection: ParticipantConnection {
    private let state = Mutex<(events: [RoomEvent], closed: Bool)>(([], false))

    func deliver(_ event: RoomEvent) { state.withLock { $0.events.append(event) } }
    func close() { state.withLock { $0.closed = true } }

    var events: [RoomEvent] { state.withLock { $0.events } }
    var isClosed: Bool { state.withLock { $0.closed } }
    func clear() { state.withLock { $0.events.removeAll() } }

    var joined: JoinedState? {
        for case .joined(let s) in events { return s }
        return nil
    }
    var subscribeOffers: [(sdp: String, tracks: [SubscribedTrackInfo])] {
        events.compactMap { if case .subscribeOffer(let sdp, let tracks) = $0 { (sdp, tracks) } else { nil } }
    }
}

/// A room on a real media node (UDP on an ephemeral loopback port).
func makeRoom(lobby: Bool = false, capacity: Int = 100) async throws -> (Room, MediaNode) {
    var logger = Logger(label: "rooms-test")
    logger.logLevel = .critical
    let media = try MediaNode(configuration: MediaConfiguration(host: "127.0.0.1", port: 0),
                              eventLoop: MultiThreadedEventLoopGroup.singleton.next(), logger: logger)
    try await media.start()
    let info = RoomInfo(meetingId: "m-\(UInt32.random(in: 0...UInt32.max))", code: "abc-defg-hij", title: "Sync",
                        locked: false, lobbyEnabled: lobby)
    return (Room(info: info, media: media, capacity: capacity, logger: logger, onEmpty: { _ in }), media)
}

/// A browser publish offer (Opus + VP8), as Chrome writes one.
func chromeOffer(fingerprint: String = (0..<32).map { String(format: "%02X", $0) }.joined(separator: ":")) -> String {
    [
        "v=0", "o=- 1 2 IN IP4 127.0.0.1", "s=-", "t=0 0", "a=group:BUNDLE 0 1",
        "m=audio 9 UDP/TLS/RTP/SAVPF 111", "c=IN IP4 0.0.0.0", "a=ice-ufrag:abcd", "a=ice-pwd:abcdefghijklmnopqrstuvwx",
        "a=fingerprint:sha-256 \(fingerprint)", "a=setup:actpass", "a=mid:0",
        "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid", "a=sendonly", "a=rtcp-mux",
        "a=rtpmap:111 opus/48000/2", "a=ssrc:11 cname:x",
        "m=video 9 UDP/TLS/RTP/SAVPF 96", "c=IN IP4 0.0.0.0", "a=ice-ufrag:abcd", "a=ice-pwd:abcdefghijklmnopqrstuvwx",
        "a=fingerprint:sha-256 \(fingerprint)", "a=setup:actpass", "a=mid:1",
        "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid", "a=sendonly", "a=rtcp-mux",
        "a=rtpmap:96 VP8/90000", "a=rtcp-fb:96 nack pli", "a=ssrc:22 cname:x",
    ].joined(separator: "\r\n") + "\r\n"
}

/// The answer a browser gives to a subscribe offer (all m-lines, recvonly).
func chromeAnswer(to offer: String) -> String {
    var lines = ["v=0", "o=- 1 2 IN IP4 127.0.0.1", "s=-", "t=0 0"]
    var mids: [String] = []
    var media: [String] = []
    var current: [String] = []
    func flush() { if !current.isEmpty { media += current; current = [] } }
    for line in offer.split(separator: "\r\n").map(String.init) {
        if line.hasPrefix("m=") {
            flush()
            current = [line, "c=IN IP4 0.0.0.0", "a=ice-ufrag:wxyz", "a=ice-pwd:abcdefghijklmnopqrstuvwx",
                       "a=fingerprint:sha-256 " + (0..<32).map { String(format: "%02X", $0) }.joined(separator: ":"),
                       "a=setup:active", "a=recvonly", "a=rtcp-mux"]
        } else if line.hasPrefix("a=mid:") {
            current.append(line)
            mids.append(String(line.dropFirst(6)))
        } else if line.hasPrefix("a=rtpmap:") {
            current.append(line)
        }
    }
    flush()
    lines.append("a=group:BUNDLE " + mids.joined(separator: " "))
    return (lines + media).joined(separator: "\r\n") + "\r\n"
}
