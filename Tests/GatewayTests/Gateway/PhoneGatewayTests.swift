import Audio
import Foundation
import Gateway
import Logging
import NIOCore
import NIOPosix
import Rooms
import SFU
import Testing

/// Meetings for the gateway tests, without a database.
struct FixedDirectory: MeetingDirectory {
    var meetings: [String: DialInMeeting]
    func meeting(dialInCode: String) async throws -> DialInMeeting? { meetings[dialInCode] }
    func meeting(code: String) async throws -> DialInMeeting? { meetings.values.first { $0.code == code } }
}

/// A real gateway (sofia-sip, RTP sockets, the 20 ms clock) on loopback,
/// with a real media node and rooms, and phones made of raw sockets.
struct GatewayFixture {
    let gateway: PhoneGateway
    /// The gateway's loop: the fixture owns it, as the executable would.
    let group: MultiThreadedEventLoopGroup
    let media: MediaNode
    let rooms: RoomRegistry
    let port: Int
    static let meeting = DialInMeeting(meetingID: "m-gw-\(UInt32.random(in: 0...UInt32.max))", code: "abc-defg-hij",
                                       dialInCode: "246810", title: "Gateway test", passcode: nil, lobbyEnabled: false)

    /// `headroom` is off unless a test is about it: under a full parallel
    /// test pass the machine runs the 20 ms tick late, and the loop's
    /// headroom would then refuse every caller after the first (503), which
    /// is right for a server and wrong for a test about something else.
    static func start(maxCalls: Int = 20, maxPromptCalls: Int = 20, headroom: LoopHeadroom? = nil,
                      invitesPerMinute: Int = 1000, rtpTimeout: TimeAmount = .seconds(30),
                      directory: (any MeetingDirectory)? = nil, roomCapacity: Int = 100,
                      // Off here: these tests follow steady tones, which noise
                      // suppression takes for a hum; CallerNoiseTests turns it on.
                      voiceCleaning: VoiceCleaner.Settings = VoiceCleaner.Settings(noiseSuppression: false, automaticGain: false),
                      dialplan: Dialplan? = nil, callerHeaders: [String] = [], loops: Int = 1, sipPort: Int = 0,
                      trunks: [TrunkConfiguration] = [], directCalls: Bool = true, authRealm: String = "") async throws -> GatewayFixture {
        var logger = Logger(label: "gateway-test")
        logger.logLevel = .critical
        let media = try MediaNode(configuration: MediaConfiguration(host: "127.0.0.1", port: 0),
                                  eventLoop: MultiThreadedEventLoopGroup.singleton.next(), logger: logger)
        try await media.start()
        let rooms = RoomRegistry(media: media, capacity: roomCapacity, logger: logger)
        await rooms.start()
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../..").standardized
        let dialplan = try dialplan ?? Dialplan.load(path: root.appendingPathComponent("Dialplans/default.dialplan").path)
        var configuration = GatewayConfiguration(
            sipHost: "127.0.0.1", sipPort: sipPort, rtpHost: "127.0.0.1", advertisedAddress: "127.0.0.1", rtpPorts: 0...0,
            maxCalls: maxCalls, maxPromptCalls: maxPromptCalls, headroom: headroom, invitesPerMinute: invitesPerMinute,
            rtpTimeout: rtpTimeout,
            promptsDirectory: root.appendingPathComponent("Prompts").path, trunks: trunks)
        configuration.directCalls = directCalls
        configuration.authRealm = authRealm
        configuration.voiceCleaning = voiceCleaning
        configuration.callerHeaders = callerHeaders
        let group = MultiThreadedEventLoopGroup(numberOfThreads: loops)
        let gateway = try await PhoneGateway(configuration: configuration, dialplan: dialplan, rooms: rooms,
                                             directory: directory ?? FixedDirectory(meetings: [meeting.dialInCode: meeting]),
                                             eventLoops: Array(group.makeIterator()), logger: logger)
        let port = try await gateway.start()
        return GatewayFixture(gateway: gateway, group: group, media: media, rooms: rooms, port: port)
    }

    func stop() async {
        await gateway.stop()
        await media.stop()
        try? await group.shutdownGracefully()
    }

    func phone(_ user: String = GatewayFixture.meeting.dialInCode) throws -> RawPhone {
        try RawPhone(gatewayPort: port, user: user)
    }

    /// A PCMU phone in the test meeting, answered and sending silence.
    func answeredPhone() async throws -> RawPhone {
        let phone = try phone()
        let answer = try await phone.call(sdp: phone.offer())
        try #require(answer?.status == 200)
        phone.startMedia(tone: nil)
        return phone
    }
}

@Suite(.serialized) struct PhoneGatewayTests {
    @Test func twoCallersHearEachOtherButNeverThemselves() async throws {
        let f = try await GatewayFixture.start()
        defer { Task { await f.stop() } }
        let a = try f.phone(), b = try f.phone()
        #expect(try await a.call(sdp: a.offer())?.status == 200)
        #expect(try await b.call(sdp: b.offer())?.status == 200)
        a.startMedia(tone: 1000)
        b.startMedia(tone: 440)
        defer { a.stop(); b.stop() }
        // Past the "joining" prompt and chimes.
        try await Task.sleep(for: .seconds(3))
        let since = ContinuousClock.now
        try await Task.sleep(for: .seconds(1.5))
        let heardByA = a.heard(since: since), heardByB = b.heard(since: since)
        // The 20 ms pacing (a clock that drifted by the tick's own cost sent
        // 43 packets a second instead of 50) is measured in the flood test's
        // quiet pass (GatewayAdmissionTests: frames received against wall
        // time): here, in the full parallel pass, the machine may starve the
        // gateway or this process for a second, and packets then arrive in a
        // burst (121 in a 1.5 s window once), which says nothing of the clock.
        #expect(a.packets(since: since).count > 0)
        // The other's tone scores below 1 (the mix, G.711 and frames concealed
        // when a loaded machine makes the test phones' pacing late); the own
        // tone must be absent all the same.
        #expect(toneShare(heardByA, frequency: 440) > 0.15)
        #expect(toneShare(heardByA, frequency: 1000) < 0.02)
        #expect(toneShare(heardByB, frequency: 1000) > 0.15)
        #expect(toneShare(heardByB, frequency: 440) < 0.02)
        #expect(await f.gateway.statistics().activeCalls == 2)
    }

    /// The measure itself: a tone whose phase jumps (a concealed frame, a
    /// jitter-buffer resync) is still that tone, and another tone is not.
    @Test func toneShareSurvivesPhaseJumps() {
        let tone = (0..<12_000).map { i -> Int16 in
            let phase = i < 6_130 ? 0 : Double.pi  // half-way, not on a block boundary
            return Int16(8000 * sin(2 * .pi * 440 * Double(i) / 8000 + phase))
        }
        #expect(toneShare(tone, frequency: 440) > 0.9)
        #expect(toneShare(tone, frequency: 1000) < 0.02)
        #expect(toneShare([Int16](repeating: 0, count: 1000), frequency: 440) == 0)
    }

    @Test func callersHearAChimeWhenSomeoneJoinsOrLeaves() async throws {
        let f = try await GatewayFixture.start()
        defer { Task { await f.stop() } }
        let a = try await f.answeredPhone()
        defer { a.stop() }
        try await Task.sleep(for: .seconds(3))  // past "Joining the meeting"
        func loudest(since: ContinuousClock.Instant) -> Int { a.heard(since: since).map { abs(Int($0)) }.max() ?? 0 }
        let quiet = ContinuousClock.now
        try await Task.sleep(for: .seconds(1))
        #expect(loudest(since: quiet) < 100)
        let b = try f.phone()
        let joined = ContinuousClock.now
        #expect(try await b.call(sdp: b.offer())?.status == 200)
        b.startMedia(tone: nil)
        try await Task.sleep(for: .seconds(1.5))
        #expect(loudest(since: joined) > 1000, "no join chime")
        let before = ContinuousClock.now
        try await Task.sleep(for: .seconds(1))
        #expect(loudest(since: before) < 100)
        b.dialog.sendBye()
        b.stop()
        let left = ContinuousClock.now
        try await Task.sleep(for: .seconds(1.5))
        #expect(loudest(since: left) > 1000, "no leave chime")
    }

    /// A browser whose connection drops and comes back is no news to a
    /// caller: no chime while it reconnects or when it resumes (only a real
    /// leave, after the grace period, chimes).
    @Test func aBrowserReconnectingIsSilentForCallers() async throws {
        final class QuietConnection: ParticipantConnection {
            func deliver(_ event: RoomEvent) {}
            func close() {}
        }
        let f = try await GatewayFixture.start()
        defer { Task { await f.stop() } }
        let a = try await f.answeredPhone()
        defer { a.stop() }
        try await Task.sleep(for: .seconds(3))  // past "Joining the meeting"
        func loudest(since: ContinuousClock.Instant) -> Int { a.heard(since: since).map { abs(Int($0)) }.max() ?? 0 }
        let info = RoomInfo(meetingId: GatewayFixture.meeting.meetingID, code: GatewayFixture.meeting.code,
                            title: GatewayFixture.meeting.title, locked: false, lobbyEnabled: false)
        let (room, browser) = try await f.rooms.join(info, JoinRequest(displayName: "Bea", userId: nil, role: .guest),
                                                     connection: QuietConnection())
        let joined = ContinuousClock.now
        try await Task.sleep(for: .seconds(1.5))
        #expect(loudest(since: joined) > 1000, "no join chime: the test would prove nothing")
        let dropped = ContinuousClock.now
        await room.connectionLost(browser, epoch: 0)
        try await Task.sleep(for: .seconds(1.5))
        #expect(loudest(since: dropped) < 100, "a chime for a connection that dropped")
        let back = ContinuousClock.now
        _ = try await f.rooms.resume(info, JoinRequest(displayName: "Bea", userId: nil, role: .guest, participantID: browser),
                                     connection: QuietConnection(), keepMedia: false)
        try await Task.sleep(for: .seconds(1.5))
        #expect(loudest(since: back) < 100, "a chime for a resume")
    }

    @Test func callersHearThatTheMeetingIsRecorded() async throws {
        let f = try await GatewayFixture.start()
        defer { Task { await f.stop() } }
        let aCalled = ContinuousClock.now
        let a = try await f.answeredPhone()
        defer { a.stop() }
        try await Task.sleep(for: .seconds(5))  // past "Joining the meeting"
        /// What a caller hears in the five seconds after calling in: prompt and chime, and the notice if any.
        let aJoining = a.heard(since: aCalled).prefix(5 * 8000).filter { abs(Int($0)) > 1000 }.count
        /// 20 ms packets carrying sound (the notice is speech, well over a chime's length).
        func loudPackets(since: ContinuousClock.Instant) -> Int {
            let samples = a.heard(since: since)
            return stride(from: 0, to: samples.count - 160, by: 160).filter { i in
                samples[i..<(i + 160)].contains { abs(Int($0)) > 1000 }
            }.count
        }
        let room = try #require(await f.rooms.existingRoom(GatewayFixture.meeting.meetingID))
        let quiet = ContinuousClock.now
        try await Task.sleep(for: .seconds(1))
        #expect(loudPackets(since: quiet) == 0)
        await room.setRecording(true)
        let started = ContinuousClock.now
        try await Task.sleep(for: .seconds(3))
        #expect(loudPackets(since: started) > 40, "no recording notice")
        // Someone calling into a meeting that records hears it on joining.
        let bCalled = ContinuousClock.now
        let b = try await f.answeredPhone()
        defer { b.stop() }
        try await Task.sleep(for: .seconds(5.5))
        let bJoining = b.heard(since: bCalled).prefix(5 * 8000).filter { abs(Int($0)) > 1000 }.count
        #expect(bJoining > aJoining + 4000, "a late caller hears no notice (\(bJoining) vs \(aJoining) loud samples)")
        // Stopping is silent; starting again is announced again.
        let stopped = ContinuousClock.now
        await room.setRecording(false)
        try await Task.sleep(for: .seconds(1.5))
        #expect(loudPackets(since: stopped) == 0)
        await room.setRecording(true)
        let again = ContinuousClock.now
        try await Task.sleep(for: .seconds(3))
        #expect(loudPackets(since: again) > 40)
    }

    @Test func anOpusCallersPacketsReachTheRoomWithoutReencoding() async throws {
        let f = try await GatewayFixture.start()
        defer { Task { await f.stop() } }
        let a = try f.phone()
        let answer = try await a.call(sdp: a.offer(codecs: "111 101", extra: ["a=rtpmap:111 opus/48000/2", "a=fmtp:111 useinbandfec=1",
                                                                            "a=rtpmap:101 telephone-event/48000"]))
        #expect(answer?.status == 200)
        #expect(answer?.body.contains("opus/48000/2") == true)
        a.startMedia(tone: 1000, opus: true)
        defer { a.stop() }
        try await Task.sleep(for: .seconds(2))
        let counts = await f.gateway.statistics().counts
        #expect(counts["opus_passthrough_packets", default: 0] > 40)
        #expect(counts["opus_encoded_packets", default: 0] < 10)
        // What comes back to an Opus phone is Opus.
        #expect(a.packets(since: .now - .seconds(1)).contains { $0.payloadType == 111 })
    }

    @Test func thePromptPlaysAsEarlyMediaBeforeTheAnswer() async throws {
        let f = try await GatewayFixture.start()
        defer { Task { await f.stop() } }
        let a = try f.phone("parley")
        a.dialog.sendInvite(sdp: a.offer())
        let progress = try await a.sip.receive(timeout: .seconds(5), where: { $0.status == 183 })
        #expect(progress?.body.contains("m=audio") == true)
        a.learnPort(from: progress?.body ?? "")
        a.startMedia(tone: nil)
        defer { a.stop() }
        let started = ContinuousClock.now
        // The welcome prompt arrives before the call is answered (RFC 3960).
        let ok = try await a.sip.receive(timeout: .seconds(10), where: { $0.status == 200 && $0.cseqMethod == "INVITE" })
        #expect(ok != nil)
        #expect(a.packets(since: started).filter { $0.payloadType == 0 }.count > 50)
        a.dialog.toTag = ok?.toTag
        a.dialog.sendAck()
    }

    @Test func holdStopsOurAudioAndResumeBringsItBack() async throws {
        let f = try await GatewayFixture.start()
        defer { Task { await f.stop() } }
        let a = try await f.answeredPhone()
        defer { a.stop() }
        try await Task.sleep(for: .seconds(1))
        // RFC 3264 §8.4: the phone holds with a=sendonly; we answer recvonly and stop sending.
        let held = try await a.reinvite(sdp: a.offer(direction: "sendonly"))
        #expect(held?.status == 200)
        #expect(held?.body.contains("a=recvonly") == true)
        try await Task.sleep(for: .milliseconds(300))
        let heldSince = ContinuousClock.now
        try await Task.sleep(for: .seconds(1))
        #expect(a.packets(since: heldSince).count < 3)
        let resumed = try await a.reinvite(sdp: a.offer(direction: "sendrecv"))
        #expect(resumed?.body.contains("a=sendrecv") == true)
        #expect(try await a.packets(during: .seconds(1)).count > 30)
    }

    @Test func aReinviteMovesOurRTPToTheNewAddress() async throws {
        let f = try await GatewayFixture.start()
        defer { Task { await f.stop() } }
        let a = try await f.answeredPhone()
        defer { a.stop() }
        // The phone moves its media to another socket (a new port) mid-call.
        let moved = try RawPhone(gatewayPort: f.port, user: "unused")
        moved.gatewayRTPPort = a.gatewayRTPPort
        let answer = try await a.reinvite(sdp: moved.offer())
        #expect(answer?.status == 200)
        moved.startMedia(tone: nil)
        defer { moved.stop() }
        a.stop()
        try await Task.sleep(for: .milliseconds(300))
        #expect(try await moved.packets(during: .seconds(1)).count > 30)
    }

    @Test("a caller who moves from PCMU to G.722 on a re-INVITE widens the room's mix to 16 kHz, and moving back narrows it")
    func aReinviteToAWiderCodecWidensTheMix() async throws {
        let f = try await GatewayFixture.start()
        defer { Task { await f.stop() } }
        let a = try await f.answeredPhone(), b = try await f.answeredPhone()
        defer { a.stop(); b.stop() }
        try await Task.sleep(for: .seconds(1))
        #expect(await f.gateway.statistics().roomMixes == [8_000: 1])
        let wide = try await b.reinvite(sdp: b.offer(codecs: "9 101", extra: ["a=rtpmap:9 G722/8000", "a=rtpmap:101 telephone-event/8000"]))
        #expect(wide?.status == 200)
        #expect(wide?.body.contains("G722/8000") == true)
        #expect(await f.gateway.statistics().roomMixes == [16_000: 1])
        let narrow = try await b.reinvite(sdp: b.offer())
        #expect(narrow?.body.contains("PCMU/8000") == true)
        #expect(await f.gateway.statistics().roomMixes == [8_000: 1])
    }

    @Test func anOfferlessInviteGetsOurOfferAndTheAnswerComesInTheAck() async throws {
        let f = try await GatewayFixture.start()
        defer { Task { await f.stop() } }
        let a = try f.phone()
        var ourOffer = ""
        let final = try await a.call(sdp: nil, ackSDP: { offer in
            ourOffer = offer
            return a.offer()
        })
        #expect(final?.status == 200)
        for codec in ["PCMU/8000", "PCMA/8000", "G722/8000", "opus/48000/2", "telephone-event/8000"] {
            #expect(ourOffer.contains(codec), "offer lacks \(codec)")
        }
        a.startMedia(tone: nil)
        defer { a.stop() }
        #expect(try await a.packets(during: .seconds(1)).filter { $0.payloadType == 0 }.count > 30)
    }

    @Test func refusals() async throws {
        let f = try await GatewayFixture.start(maxCalls: 1)
        defer { Task { await f.stop() } }
        // No codec in common: 488 (RFC 3261 §21.4.26).
        let gsm = try f.phone()
        #expect(try await gsm.call(sdp: gsm.offer(codecs: "3", extra: ["a=rtpmap:3 GSM/8000"]))?.status == 488)
        // A dial-in code nobody has: 404.
        let lost = try f.phone("999999")
        #expect(try await lost.call(sdp: lost.offer())?.status == 404)
        // Past the call cap: 503 with Retry-After (RFC 3261 §21.5.4).
        let first = try await f.answeredPhone()
        defer { first.stop() }
        let second = try f.phone()
        let busy = try await second.call(sdp: second.offer())
        #expect(busy?.status == 503)
        #expect(busy?.header("Retry-After") != nil)
    }

    @Test("a node that starts no meetings (cordoned, draining) answers 503 to a call for a meeting it does not carry, and takes calls for one it does")
    func aNodeStartingNoMeetingsSendsCallsElsewhere() async throws {
        let f = try await GatewayFixture.start()
        defer { Task { await f.stop() } }
        await f.rooms.setStartsRooms(false)
        let refused = try f.phone()
        let answer = try await refused.call(sdp: refused.offer())
        #expect(answer?.status == 503 && answer?.header("Retry-After") != nil, "\(answer?.startLine ?? "no answer")")
        #expect(await f.gateway.statistics().refusals["not_starting_meetings"] == 1)
        // The meeting runs here already: its callers still come in.
        await f.rooms.setStartsRooms(true)
        let first = try await f.answeredPhone()
        defer { first.stop() }
        for _ in 0..<100 where await f.rooms.existingRoom(GatewayFixture.meeting.meetingID) == nil {
            try await Task.sleep(for: .milliseconds(50))
        }
        await f.rooms.setStartsRooms(false)
        let second = try f.phone()
        #expect(try await second.call(sdp: second.offer())?.status == 200)
        second.stop()
    }

    @Test func aFloodFromOneAddressIsCut() async throws {
        let f = try await GatewayFixture.start(invitesPerMinute: 2)
        defer { Task { await f.stop() } }
        var statuses: [Int] = []
        for _ in 0..<3 {
            let p = try f.phone("999999")
            statuses.append(try await p.call(sdp: p.offer())?.status ?? 0)
        }
        #expect(statuses == [404, 404, 503])
    }

    @Test func rtpFromStrangersIsIgnoredAndSilentCallsAreHungUp() async throws {
        let f = try await GatewayFixture.start(rtpTimeout: .seconds(2))
        defer { Task { await f.stop() } }
        let a = try f.phone()
        #expect(try await a.call(sdp: a.offer())?.status == 200)
        // A stranger (another loopback address: neither the SDP's nor the SIP
        // peer's host) sends well-formed RTP to the call's port: ignored and counted.
        let stranger = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(stranger) }
        var from = RawSIPClient.loopback(port: 0)
        from.sin_addr.s_addr = inet_addr("127.0.0.2")
        let bound = withUnsafePointer(to: &from) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(stranger, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        #expect(bound == 0)
        RawPhone.send([0x80, 0, 0, 1, 0, 0, 0, 0, 1, 2, 3, 4] + [UInt8](repeating: 0xFF, count: 160), fd: stranger, port: a.gatewayRTPPort)
        // And a truncated packet from the phone's own host is dropped as malformed.
        RawPhone.send([0x80, 0, 0, 1], fd: a.rtpFD, port: a.gatewayRTPPort)
        try await Task.sleep(for: .milliseconds(300))
        let dropped = await f.gateway.statistics().droppedPackets
        #expect(dropped["unexpected_source", default: 0] == 1)
        #expect(dropped["malformed", default: 0] == 1)
        // The phone sends nothing: after 2 s the gateway hangs up with a BYE.
        let bye = try await a.sip.receive(timeout: .seconds(6), where: { $0.method == "BYE" })
        #expect(bye != nil)
        #expect(await f.gateway.statistics().activeCalls == 0)
    }

    @Test func garbageOnTheSIPPortIsHarmless() async throws {
        let f = try await GatewayFixture.start()
        defer { Task { await f.stop() } }
        let client = try RawSIPClient(serverPort: f.port)
        for junk in ["\u{0}\u{1}\u{2}", "INVITE\r\n\r\n", String(repeating: "A", count: 3000), "SIP/2.0 200 OK\r\n\r\n"] {
            client.send(junk)
        }
        var d = RawSIPDialog(client: client, user: "246810")
        d.cseq = 7
        client.send(d.request("OPTIONS", branch: RawSIPDialog.branch(), cseq: 7))
        #expect(try await client.receive(timeout: .seconds(3), where: { $0.cseqMethod == "OPTIONS" })?.status == 200)
    }
}
