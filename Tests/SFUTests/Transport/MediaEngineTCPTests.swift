import Foundation
import Logging
import NIOCore
import NIOEmbedded
import RTP
import SDP
import Testing
@testable import SFU

/// ICE-TCP on the media port without sockets: fake browsers reach the
/// engine over UDP (an `EmbeddedChannel` of datagrams) or over TCP (one
/// `EmbeddedChannel` per connection, running `TCPMediaHandler`).
@Suite struct MediaEngineTCPTests {
    final class Harness {
        let loop = EmbeddedEventLoop()
        let channel: EmbeddedChannel
        let engine: MediaEngine
        let events: AsyncStream<MediaEvent>
        let alice: FakePeer   // publishes
        let bob: FakePeer     // subscribes
        let audioSSRC: UInt32 = 0x1111_1111
        let videoSSRC: UInt32 = 0x2222_2222
        var publish: WebRTCTransport!
        var subscribe: WebRTCTransport!
        var subscribeUfrag = ""
        var subscribePassword = ""
        var consumerAudioSSRC: UInt32 = 0
        var links: [TCPLink] = []

        init(maximumTCPConnections: Int = 100) throws {
            channel = EmbeddedChannel(loop: loop)
            let (stream, continuation) = AsyncStream<MediaEvent>.makeStream()
            events = stream
            var logger = Logger(label: "test")
            logger.logLevel = .critical
            engine = MediaEngine(eventLoop: loop, dtlsContext: try DTLSContext(certificate: DTLSCertificate()),
                                 configuration: MediaConfiguration(host: "127.0.0.1", port: 40000,
                                                                   maximumTCPConnections: maximumTCPConnections),
                                 logger: logger, events: continuation)
            engine.channel = channel
            let udp = Candidate(ip: "127.0.0.1", port: 40000)
            engine.candidates = [udp, Candidate.passiveTCP(alongside: udp)]
            alice = try FakePeer(port: 50001)
            bob = try FakePeer(port: 50002)
        }

        func link(port: Int) throws -> TCPLink {
            let link = try TCPLink(engine: engine, loop: loop, port: port)
            links.append(link)
            return link
        }

        /// Alice publishes audio and video (over `aliceLink`, else UDP);
        /// Bob subscribes to both (over `bobLink`, else UDP).
        func connect(aliceLink: TCPLink? = nil, bobLink: TCPLink? = nil) throws {
            publish = try engine.createTransport(routerID: "room", role: .publish)
            let offer = publishOffer(peer: alice, audioSSRC: audioSSRC, videoSSRC: videoSSRC)
            let result = try publish.applyPublishOffer(offer, sources: ["0": .microphone, "1": .camera], makeID: { self.engine.makeID("pr") })
            let answer = try SessionDescription(parsing: result.answer)
            // Parley's answer offers both candidates, UDP first.
            #expect(answer.media[0].candidates.map { $0.split(separator: " ")[2] } == ["udp", "tcp"])
            if let aliceLink {
                try alice.connect(over: aliceLink, serverUfrag: answer.media[0].iceUfrag!,
                                  serverPassword: answer.media[0].icePassword!, serverFingerprint: engine.localFingerprint.value)
            } else {
                try alice.connect(to: engine, channel: channel, serverUfrag: answer.media[0].iceUfrag!,
                                  serverPassword: answer.media[0].icePassword!, serverFingerprint: engine.localFingerprint.value)
            }
            subscribe = try engine.createTransport(routerID: "room", role: .subscribe)
            let producers = Array(publish.producersByMid.values).sorted { $0.mid < $1.mid }
            let update = try #require(subscribe.updateSubscriptions(to: producers, makeID: { self.engine.makeID("c") }))
            let subOffer = try SessionDescription(parsing: update.offer)
            consumerAudioSSRC = try #require(subOffer.media.first { $0.kind == "audio" }?.ssrcs.first)
            try subscribe.applySubscribeAnswer(try subscribeAnswer(to: update.offer, peer: bob), now: .now())
            subscribeUfrag = subOffer.media[0].iceUfrag!
            subscribePassword = subOffer.media[0].icePassword!
            if let bobLink {
                try bob.connect(over: bobLink, serverUfrag: subscribeUfrag, serverPassword: subscribePassword,
                                serverFingerprint: engine.localFingerprint.value)
            } else {
                try bob.connect(to: engine, channel: channel, serverUfrag: subscribeUfrag, serverPassword: subscribePassword,
                                serverFingerprint: engine.localFingerprint.value)
            }
            #expect(publish.canSendMedia && subscribe.canSendMedia)
        }

        /// Alice sends `count` audio packets (over `link`, else UDP).
        func aliceSendsAudio(_ count: Int, from seq: UInt16 = 100, over link: TCPLink? = nil) throws {
            for i in 0..<count {
                let packet = rtpPacket(pt: 111, seq: seq &+ UInt16(i), ts: UInt32(960 * i), ssrc: audioSSRC,
                                       payload: [UInt8](repeating: UInt8(i), count: 60))
                if let link { try alice.sendRTP(packet, over: link) } else { try alice.sendRTP(packet, to: engine) }
            }
        }

        /// Decrypted RTP packets in `packets` (RTCP left out).
        func rtp(_ packets: [[UInt8]], for peer: FakePeer) throws -> [RTPHeader] {
            try packets.filter { $0.count > 1 && !(192...223).contains($0[1]) && (128...191).contains($0[0]) }.map { d in
                let plain = try peer.open(d)
                return try plain.withUnsafeBytes { try RTPHeader(parsing: $0) }
            }
        }

        /// Datagrams the engine wrote to the UDP port, by peer.
        func udp(for peer: FakePeer) throws -> [[UInt8]] {
            peer.inbox = []
            _ = try drain(channel, peers: [alice, bob])
            return peer.inbox
        }
    }

    @Test func aSubscriberOnTCPGetsItsMediaFramedOnTheConnection() throws {
        let h = try Harness()
        let bobLink = try h.link(port: 50102)
        try h.connect(bobLink: bobLink)
        let connection = try #require(h.subscribe.selectedConnection)
        #expect(connection.transport === h.subscribe)
        #expect(h.subscribe.remoteAddress == bobLink.address)

        _ = try drain(h.channel)
        try h.aliceSendsAudio(5)
        let onTCP = try h.rtp(try bobLink.received(), for: h.bob)
        #expect(onTCP.count == 5)
        #expect(onTCP.allSatisfy { $0.ssrc == h.consumerAudioSSRC })
        // Nothing for Bob went out on UDP, to either of his addresses.
        var toBobOverUDP = 0
        while let e = try h.channel.readOutbound(as: AddressedEnvelope<ByteBuffer>.self) {
            if e.remoteAddress == bobLink.address || e.remoteAddress == h.bob.address { toBobOverUDP += 1 }
        }
        #expect(toBobOverUDP == 0)
    }

    @Test func aPublisherOnTCPIsForwardedAndGetsItsFeedbackOnTheConnection() throws {
        let h = try Harness()
        let aliceLink = try h.link(port: 50101)
        try h.connect(aliceLink: aliceLink)
        #expect(h.publish.selectedConnection != nil)
        try h.aliceSendsAudio(4, over: aliceLink)
        let bobGot = try h.rtp(try h.udp(for: h.bob), for: h.bob)
        #expect(bobGot.count == 4)
        // Receiver reports (RTCP) to Alice go out on her connection, SRTCP-protected.
        h.engine.tick()
        let rtcp = try aliceLink.received().filter { $0.count > 1 && (192...223).contains($0[1]) }
        #expect(!rtcp.isEmpty)
        #expect(try rtcp.allSatisfy { try !h.alice.open($0).isEmpty })
        #expect(try h.udp(for: h.alice).isEmpty)
    }

    @Test func aCheckWithoutNominationKeepsUDPAndANominationMovesThePathOnlyWhenUDPWentQuiet() throws {
        let h = try Harness()
        try h.connect()   // both on UDP
        #expect(h.subscribe.selectedConnection == nil)

        // A valid check over TCP without USE-CANDIDATE: answered on the
        // connection, which now belongs to the transport, but media stays on UDP.
        let link = try h.link(port: 50202)
        try link.send(h.bob.bindingRequest(serverUfrag: h.subscribeUfrag, serverPassword: h.subscribePassword, nominate: false))
        let response = try #require(try link.received().first)
        let parsed = try response.withUnsafeBytes { try STUNMessage(parsing: $0) }
        #expect(parsed.messageClass == .successResponse)
        #expect(parsed.xorMappedAddress == STUNAddress(socketAddress: link.address))
        let connection = try #require(h.engine.tcpConnections.values.first)
        #expect(connection.transport === h.subscribe)
        #expect(h.subscribe.selectedConnection == nil)
        try h.aliceSendsAudio(2)
        #expect(try h.rtp(try h.udp(for: h.bob), for: h.bob).count == 2)
        #expect(try link.received().isEmpty)

        // Firefox nominates every pair it checks (aggressive nomination):
        // a TCP nomination while the UDP pair is alive leaves media on UDP,
        // the higher-priority pair (RFC 8445 §8.1.1).
        try link.send(h.bob.bindingRequest(serverUfrag: h.subscribeUfrag, serverPassword: h.subscribePassword))
        _ = try link.received()
        #expect(h.subscribe.selectedConnection == nil, "a lower-priority TCP nomination took the live UDP path")
        try h.aliceSendsAudio(2, from: 150)
        #expect(try h.rtp(try h.udp(for: h.bob), for: h.bob).count == 2)

        // Once the UDP pair has gone quiet (UDP blocked), a TCP nomination
        // moves media to the connection.
        h.subscribe.ice.disconnectedTimeout = .milliseconds(1)
        Thread.sleep(forTimeInterval: 0.01)
        try link.send(h.bob.bindingRequest(serverUfrag: h.subscribeUfrag, serverPassword: h.subscribePassword))
        _ = try link.received()
        #expect(h.subscribe.selectedConnection === connection)
        try h.aliceSendsAudio(3, from: 200)
        #expect(try h.rtp(try link.received(), for: h.bob).count == 3)
        #expect(try h.udp(for: h.bob).isEmpty)

        // And back to UDP when it nominates the UDP pair again.
        h.bob.deliver(h.bob.bindingRequest(serverUfrag: h.subscribeUfrag, serverPassword: h.subscribePassword), to: h.engine)
        #expect(h.subscribe.selectedConnection == nil)
        #expect(h.subscribe.remoteAddress == h.bob.address)
        _ = try h.udp(for: h.bob)
        try h.aliceSendsAudio(2, from: 300)
        #expect(try h.rtp(try h.udp(for: h.bob), for: h.bob).count == 2)
        #expect(try link.received().isEmpty)
    }

    @Test func framingErrorsAndOversizedFramesCloseTheConnectionAndAreCounted() throws {
        let h = try Harness()
        try h.connect()
        // A frame longer than the UDP path could carry.
        let oversized = try h.link(port: 50301)
        try oversized.sendRaw([0x08, 0x01] + [UInt8](repeating: 0x80, count: 100))
        #expect(!oversized.channel.isActive)
        #expect(h.engine.metrics.dropped["tcp/oversized_frame"] == 1)
        // An empty frame.
        let empty = try h.link(port: 50302)
        try empty.sendRaw([0x00, 0x00])
        #expect(!empty.channel.isActive)
        #expect(h.engine.metrics.dropped["tcp/empty_frame"] == 1)
        #expect(h.engine.tcpConnections.isEmpty)

        // Junk that frames well is dropped and counted, the connection stays.
        let junk = try h.link(port: 50303)
        try junk.send([0x16, 0xFE, 0xFD, 0, 0])                         // DTLS before any check
        try junk.send([0x80, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1])     // RTP before any check
        try junk.send([0xFF, 0x01])                                      // no protocol of RFC 7983
        try junk.send(h.bob.bindingRequest(serverUfrag: "nobody", serverPassword: h.subscribePassword))
        #expect(junk.channel.isActive)
        #expect(h.engine.metrics.dropped["dtls/unknown_peer"] == 1)
        #expect(h.engine.metrics.dropped["rtp/unknown_peer"] == 1)
        #expect(h.engine.metrics.dropped["tcp/unknown_protocol"] == 1)
        #expect(h.engine.metrics.dropped["stun/unknown_peer"] == 1)
        #expect(try junk.received().isEmpty)
        // A check with the wrong password: 401, and the connection still belongs to nobody.
        try junk.send(h.bob.bindingRequest(serverUfrag: h.subscribeUfrag, serverPassword: "wrongwrongwrongwrongwrong"))
        let answer = try #require(try junk.received().first)
        #expect(try answer.withUnsafeBytes { try STUNMessage(parsing: $0) }.messageClass == .errorResponse)
        #expect(h.engine.tcpConnections.values.allSatisfy { $0.transport == nil })
        // Forwarding on UDP is untouched.
        try h.aliceSendsAudio(1)
        #expect(try h.rtp(try h.udp(for: h.bob), for: h.bob).count == 1)
    }

    @Test func aConnectionWithoutAValidCheckIsClosedAfterAFewSeconds() throws {
        let h = try Harness()
        try h.connect()
        let silent = try h.link(port: 50401)
        let checked = try h.link(port: 50402)
        try checked.send(h.bob.bindingRequest(serverUfrag: h.subscribeUfrag, serverPassword: h.subscribePassword, nominate: false))
        h.engine.sweepTCPConnections(now: .now() + .seconds(2))
        #expect(silent.channel.isActive)
        h.engine.sweepTCPConnections(now: .now() + MediaEngine.tcpCheckTimeout + .seconds(1))
        #expect(!silent.channel.isActive)
        #expect(checked.channel.isActive)
        #expect(h.engine.metrics.dropped["tcp/no_valid_check"] == 1)
        #expect(h.engine.tcpConnections.count == 1)
    }

    @Test func connectionsBeyondTheLimitAreRefused() throws {
        let h = try Harness(maximumTCPConnections: 2)
        let first = try h.link(port: 50501)
        let second = try h.link(port: 50502)
        let third = try h.link(port: 50503)
        #expect(first.channel.isActive && second.channel.isActive)
        #expect(!third.channel.isActive)
        #expect(h.engine.metrics.dropped["tcp/connection_limit"] == 1)
        // A slot frees when a connection closes.
        first.close()
        let fourth = try h.link(port: 50504)
        #expect(fourth.channel.isActive)
        #expect(h.engine.statistics.tcpConnections == 2)
    }

    @Test func oneAddressCannotHoldEverySlotWithConnectionsThatNeverCheck() throws {
        let h = try Harness()
        try h.connect()
        let limit = MediaEngine.maximumPendingTCPConnectionsPerAddress
        let silent = try (0..<limit).map { try h.link(port: 51000 + $0) }
        #expect(silent.allSatisfy { $0.channel.isActive })
        let refused = try h.link(port: 51900)
        #expect(!refused.channel.isActive)
        #expect(h.engine.metrics.dropped["tcp/pending_limit_per_address"] == 1)
        // A connection that checks no longer counts as pending: room for one more.
        try silent[0].send(h.bob.bindingRequest(serverUfrag: h.subscribeUfrag, serverPassword: h.subscribePassword, nominate: false))
        let next = try h.link(port: 51901)
        #expect(next.channel.isActive)
        #expect(h.engine.tcpConnections.count == limit + 1)
    }

    @Test func closingATransportClosesItsConnectionsAfterItsCloseNotify() throws {
        let h = try Harness()
        let bobLink = try h.link(port: 50602)
        try h.connect(bobLink: bobLink)
        h.engine.close(h.subscribe, reason: "closed")
        #expect(!bobLink.channel.isActive)
        #expect(h.engine.tcpConnections.isEmpty)
        // DTLS close_notify (an alert record, content type 21) went out on the connection first.
        #expect(try bobLink.received().contains { $0.first == 21 })
    }

    @Test func aClosedSelectedConnectionDropsMediaAndConsentLapses() throws {
        let h = try Harness()
        let bobLink = try h.link(port: 50702)
        try h.connect(bobLink: bobLink)
        bobLink.close()
        #expect(h.engine.tcpConnections.isEmpty)
        // Media for Bob is dropped (counted), nothing goes to UDP instead.
        try h.aliceSendsAudio(3)
        #expect(try h.udp(for: h.bob).isEmpty)
        #expect((h.engine.metrics.dropped["tcp_out/closed"] ?? 0) >= 3)
        // RFC 7675: no checks on the selected pair, consent lapses (30 s in production).
        h.subscribe.ice.consentTimeout = .milliseconds(20)
        // A blocking sleep: an await could resume on another thread, and an
        // EmbeddedEventLoop may only be used from the one that made it.
        Thread.sleep(forTimeInterval: 0.06)
        h.engine.tick()
        #expect(h.engine.transports[h.subscribe.id] == nil)
        #expect(h.engine.transports[h.publish.id] != nil)
    }

    @Test func aBrowserThatStopsReadingLosesPacketsInsteadOfQueueingThem() throws {
        let h = try Harness()
        let bobLink = try h.link(port: 50802)
        try h.connect(bobLink: bobLink)
        bobLink.channel.isWritable = false
        try h.aliceSendsAudio(4)
        #expect(h.engine.metrics.dropped["tcp_out/congested"] == 4)
        bobLink.channel.isWritable = true
        try h.aliceSendsAudio(2, from: 400)
        #expect(try h.rtp(try bobLink.received(), for: h.bob).count == 2)
    }
}
