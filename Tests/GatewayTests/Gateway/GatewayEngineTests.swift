import Foundation
import Logging
import NIOCore
import NIOEmbedded
import NIOPosix
import Rooms
import SDP
import SFU
import Testing
@testable import Gateway

/// The engine on NIO's embedded loop: time moves by hand, an embedded
/// channel stands in for the call's RTP socket, and the SIP stack is not
/// running (its actions go nowhere). What is checked is the plumbing from
/// the loop's clock, RTP and prompts to the machine and back.
@Suite struct GatewayEngineTests {
    let loop = EmbeddedEventLoop()
    let engine: GatewayEngine

    init() throws {
        var logger = Logger(label: "gateway-engine-test")
        logger.logLevel = .critical
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../..").standardized
        let configuration = GatewayConfiguration(
            sipHost: "127.0.0.1", sipPort: 0, rtpHost: "127.0.0.1", advertisedAddress: "127.0.0.1", rtpPorts: 0...0,
            codecs: ["pcmu"], rtpTimeout: .seconds(30), promptsDirectory: root.appendingPathComponent("Prompts").path)
        let media = try MediaNode(configuration: MediaConfiguration(host: "127.0.0.1", port: 0),
                                  eventLoop: MultiThreadedEventLoopGroup.singleton.next(), logger: logger)
        engine = GatewayEngine(
            configuration: configuration, eventLoop: loop,
            userAgent: SIPUserAgent(configuration: SIPUserAgentConfiguration(host: "127.0.0.1", port: 0), logger: logger),
            rooms: RoomRegistry(media: media, logger: logger), directory: FixedDirectory(meetings: [:]),
            dialplan: try Dialplan.load(path: root.appendingPathComponent("Dialplans/default.dialplan").path),
            prompts: try PromptLibrary(directory: configuration.promptsDirectory),
            metrics: GatewayMetrics(logger: logger), logger: logger)
        // The drivers' machines start at 1 s.
        loop.advanceTime(to: .uptimeNanoseconds(1_000_000_000))
    }

    /// A PCMU call from 127.0.0.1:40000 in the engine, its machine where `driver` left it.
    func add(_ driver: PhoneCallDriver) throws -> (PhoneCall, EmbeddedChannel) {
        let id = SIPCallID(serial: 1, callID: "engine-test")
        let call = try PhoneCall(sipID: id, displayName: "Test", signalingHost: "127.0.0.1", machine: driver.machine, logger: engine.logger)
        let offer = ["v=0", "o=t 1 1 IN IP4 127.0.0.1", "s=-", "c=IN IP4 127.0.0.1", "t=0 0", "m=audio 40000 RTP/AVP 0",
                     "a=rtpmap:0 PCMU/8000", "a=sendrecv", ""].joined(separator: "\r\n")
        let answer = try PhoneNegotiation.answer(offer: offer, localAddress: "127.0.0.1", localPort: 30000, preferences: [.pcmu],
                                                 sessionID: 1, sessionVersion: 1)
        try call.apply(answer.media)
        let channel = EmbeddedChannel(loop: loop)
        call.channel = channel
        engine.calls[id] = call
        return (call, channel)
    }

    /// One 20 ms tick, 20 ms later; returns the RTP packets it sent.
    func tick(_ channel: EmbeddedChannel) throws -> Int {
        loop.advanceTime(by: .milliseconds(20))
        engine.tick()
        var sent = 0
        while try channel.readOutbound(as: AddressedEnvelope<ByteBuffer>.self) != nil { sent += 1 }
        return sent
    }

    @Test func theGoodbyePlaysInFullThenTheCallIsReleased() throws {
        var driver = PhoneCallDriver.prompting()
        driver.send(.promptFinished)
        for code in ["1", "2"] {
            driver.type(code + "#")
            driver.send(.lookedUp(.failure(.unknownMeeting)))
        }
        driver.type("3#")
        let (call, channel) = try add(driver)
        engine.feed(.lookedUp(.failure(.unknownMeeting)), to: call)
        #expect(call.stage == .leaving)
        let frames = (engine.prompts.clip(.goodbye).count + 959) / 960
        #expect(frames > 10)
        var ticks = 0, sent = 0
        while engine.calls[call.sipID] != nil, ticks < 10 * frames {
            sent += try tick(channel)
            ticks += 1
        }
        // Every frame of the goodbye went out before the hang-up, and the
        // hang-up came right after it.
        #expect(sent >= frames)
        #expect(ticks <= frames + 2)
        #expect(call.stage == .ended)
        #expect(engine.calls.isEmpty)
    }

    @Test func aSilentPhoneIsHungUpOnTheLoopsClock() throws {
        let (call, channel) = try add(PhoneCallDriver.inRoom())
        loop.advanceTime(by: .seconds(29))
        _ = try tick(channel)
        #expect(engine.calls[call.sipID] != nil)
        loop.advanceTime(by: .seconds(2))
        _ = try tick(channel)
        #expect(engine.calls[call.sipID] == nil)
        #expect(call.stage == .ended)
        #expect(engine.metrics.counts["rtp_timeout"] == 1)
    }

    @Test func rtpFromThePhoneKeepsTheCallAlive() throws {
        let (call, channel) = try add(PhoneCallDriver.inRoom())
        var sequence: UInt16 = 1
        for _ in 0..<4 {
            loop.advanceTime(by: .seconds(20))
            var packet = ByteBuffer(bytes: [0x80, 0x00])
            packet.writeInteger(sequence)
            packet.writeInteger(UInt32(sequence) * 160)
            packet.writeInteger(UInt32(0x1234_5678))
            packet.writeRepeatingByte(0xFF, count: 160)
            sequence += 1
            engine.rtp(packet, from: try SocketAddress(ipAddress: "127.0.0.1", port: 40000), call: call)
            _ = try tick(channel)
        }
        #expect(engine.calls[call.sipID] != nil)
        #expect(call.stage == .inRoom)
    }
}
