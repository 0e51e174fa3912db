import Audio
import Logging
import NIOCore
import NIOEmbedded
import SDP
import Testing
@testable import Gateway

/// The rate a room's phones are mixed at follows its widest caller, and a
/// room of G.711 phones is mixed at 8 kHz with nothing resampled.
@Suite struct RoomBridgeMixRateTests {
    let loop = EmbeddedEventLoop()

    func call(_ serial: Int, codec: PhoneCodec) throws -> (PhoneCall, EmbeddedChannel) {
        try PhoneCall.inRoomForTests(serial, codec: codec, loop: loop)
    }

    /// The µ-law payloads `channel` was sent, in order.
    func payloads(_ channel: EmbeddedChannel) throws -> [[UInt8]] {
        var out: [[UInt8]] = []
        channel.flush()
        while let envelope = try channel.readOutbound(as: AddressedEnvelope<ByteBuffer>.self) {
            out.append(Array(envelope.data.readableBytesView.dropFirst(12)))
        }
        return out
    }

    @Test("G.711 callers are mixed at 8 kHz; a G.722 caller widens the mix to 16 kHz and leaving narrows it again")
    func mixFollowsTheWidestCaller() throws {
        let bridge = RoomBridge(meetingID: "m")
        let (a, _) = try call(1, codec: .pcmu)
        let (b, _) = try call(2, codec: .pcmu)
        bridge.add(a)
        bridge.add(b)
        #expect(bridge.mixRate == 8_000)
        #expect(a.input.count == 160 && b.output.count == 160)
        #expect(a.decoder?.outputRate == 8_000 && a.encoder?.inputRate == 8_000)

        let (w, _) = try call(3, codec: .g722)
        bridge.add(w)
        #expect(bridge.mixRate == 16_000)
        for c in [a, b, w] {
            #expect(c.mixRate == 16_000 && c.input.count == 320 && c.output.count == 320)
            #expect(c.decoder?.outputRate == 16_000 && c.encoder?.inputRate == 16_000)
        }
        bridge.remove(w.sipID)
        #expect(bridge.mixRate == 8_000)
        #expect(a.input.count == 160 && a.decoder?.outputRate == 8_000)
    }

    @Test("a caller who changes codec in mid-call (re-INVITE, PCMU to G.722 and back) widens and narrows the mix")
    func codecChangeRetunesTheMix() throws {
        let bridge = RoomBridge(meetingID: "m")
        let (a, _) = try call(1, codec: .pcmu)
        let (b, _) = try call(2, codec: .pcmu)
        for c in [a, b] {
            bridge.add(c)
            c.bridgedMeetingID = "m"
        }
        #expect(bridge.mixRate == 8_000)

        try b.apply(PhoneCall.negotiatedForTests(2, codec: .g722))
        bridge.codecChanged(b)
        #expect(b.decoder?.codec == .g722)
        #expect(bridge.mixRate == 16_000)
        for c in [a, b] {
            #expect(c.mixRate == 16_000 && c.input.count == 320 && c.output.count == 320)
            #expect(c.decoder?.outputRate == 16_000 && c.encoder?.inputRate == 16_000)
        }

        try b.apply(PhoneCall.negotiatedForTests(2, codec: .pcmu))
        bridge.codecChanged(b)
        #expect(bridge.mixRate == 8_000)
        for c in [a, b] {
            #expect(c.mixRate == 8_000 && c.input.count == 160 && c.decoder?.outputRate == 8_000 && c.encoder?.inputRate == 8_000)
        }
    }

    @Test("in a room of G.711 phones one caller's µ-law reaches the other unchanged: no resampler on the way")
    func g711ReachesG711Unchanged() throws {
        let bridge = RoomBridge(meetingID: "m")
        let (a, _) = try call(1, codec: .pcmu)
        let (b, bChannel) = try call(2, codec: .pcmu)
        bridge.add(a)
        bridge.add(b)
        // Speech-like µ-law (every code but the two zeros, which decode alike).
        var sent: [[UInt8]] = []
        for frame in 0..<6 {
            let payload = (0..<160).map { UInt8(truncatingIfNeeded: (frame * 160 + $0) * 37 % 256) }.map { $0 == 0x7F ? 0xFF : $0 }
            sent.append(payload)
            // What `pullInput` does with a frame from the jitter buffer, minus the cleaner (off here).
            let n = try payload.withUnsafeBufferPointer { p in
                try a.input.withUnsafeMutableBufferPointer { try a.decoder!.decode(p, into: $0) }
            }
            #expect(n == 160)
            a.hasInput = true
            bridge.mix(allocator: ByteBufferAllocator())
        }
        let heard = try payloads(bChannel)
        #expect(heard.count == 6)
        // Below the limiter's knee the N-1 mix of one speaker is that speaker, sample for sample.
        for (frame, payload) in zip(heard, sent) {
            let expected = G711.decode(payload, law: .ulaw).map { abs(Int($0)) <= 24_576 }
            let same = zip(frame, payload).enumerated().filter { expected[$0.offset] }.allSatisfy { $0.element.0 == $0.element.1 }
            #expect(same, "the other caller heard a resampled or altered frame")
        }
    }
}
