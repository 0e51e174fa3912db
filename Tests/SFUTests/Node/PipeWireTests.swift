import RTP
import Testing
@testable import SFU

/// The payload of pipe datagrams between nodes: every message survives the
/// round trip, and anything cut short or unknown is refused whole.
struct PipeWireTests {
    let packet: [UInt8] = [0x80, 0x60, 0x00, 0x01] + [UInt8](repeating: 0xEE, count: 40)
    let report = SenderReport(ssrc: 0x1234, ntpTimestamp: 0x0102_0304_0506_0708, rtpTimestamp: 90000,
                              packetCount: 12, octetCount: 3400)

    func everyMessage() -> [UInt8] {
        var writer = PipeWireWriter()
        packet.withUnsafeBytes {
            writer.appendRTP(routerID: "room-1", producerID: "pr0-abc", layer: 2, extendedSequence: 70_000, packet: $0)
        }
        writer.appendSenderReport(routerID: "room-1", producerID: "pr0-abc", layer: 1, report: report)
        writer.appendKeyframeRequest(routerID: "room-1", producerID: "pr0-abc", layer: 0)
        writer.appendRetransmissionRequest(routerID: "room-1", producerID: "pr0-abc", layer: 2, extendedSequences: [69_998, 69_999])
        writer.appendProducerClosed(routerID: "room-1", producerID: "pr0-abc")
        writer.appendUnpipe(routerID: "ρ", producerID: "p")
        return writer.bytes
    }

    @Test func roundTrip() throws {
        let bytes = everyMessage()
        let messages = try bytes.withUnsafeBytes { try PipeWireReader.messages(in: $0) }
        #expect(messages.count == 6)
        guard case let .rtp(r, p, layer, sequence, range) = messages[0] else {
            Issue.record("first is not RTP")
            return
        }
        #expect(r == "room-1" && p == "pr0-abc" && layer == 2 && sequence == 70_000)
        #expect(Array(bytes[range]) == packet)
        #expect(messages[1] == .senderReport(routerID: "room-1", producerID: "pr0-abc", layer: 1, report: report))
        #expect(messages[2] == .keyframeRequest(routerID: "room-1", producerID: "pr0-abc", layer: 0))
        #expect(messages[3] == .retransmissionRequest(routerID: "room-1", producerID: "pr0-abc", layer: 2,
                                                      extendedSequences: [69_998, 69_999]))
        #expect(messages[4] == .producerClosed(routerID: "room-1", producerID: "pr0-abc"))
        #expect(messages[5] == .unpipe(routerID: "ρ", producerID: "p"))
    }

    @Test func everyCutIsRefused() {
        let bytes = everyMessage()
        // Cutting between two messages leaves a valid, shorter payload; any other cut is refused.
        var boundaries: Set<Int> = []
        var writer = PipeWireWriter()
        boundaries.insert(writer.bytes.count)
        packet.withUnsafeBytes {
            writer.appendRTP(routerID: "room-1", producerID: "pr0-abc", layer: 2, extendedSequence: 70_000, packet: $0)
        }
        boundaries.insert(writer.bytes.count)
        writer.appendSenderReport(routerID: "room-1", producerID: "pr0-abc", layer: 1, report: report)
        boundaries.insert(writer.bytes.count)
        for cut in 1 ..< bytes.count {
            let result = Result { try Array(bytes[..<cut]).withUnsafeBytes { try PipeWireReader.messages(in: $0) } }
            if boundaries.contains(cut) {
                #expect((try? result.get()) != nil, "a whole message cut at \(cut)")
            } else if cut < writer.bytes.count {
                #expect((try? result.get()) == nil, "a cut at \(cut) was read")
            }
        }
    }

    @Test func refusals() {
        func read(_ bytes: [UInt8]) -> PipeWireError? {
            do { _ = try bytes.withUnsafeBytes { try PipeWireReader.messages(in: $0) } } catch let error as PipeWireError {
                return error
            } catch {
                Issue.record("not a PipeWireError: \(error)")
            }
            return nil
        }
        #expect(read([]) == .empty)
        #expect(read([2, 5, 1, 0x61, 1, 0x62]) == .unknownVersion(2))
        #expect(read([1, 9, 1, 0x61, 1, 0x62]) == .unknownType(9))
        #expect(read([1, 5, 0, 1, 0x62]) == .badIdentifier, "an empty room id")
        #expect(read([1, 5, 1, 0xFF, 1, 0x62]) == .badIdentifier, "not UTF-8")
        #expect(read([1, 3, 1, 0x61, 1, 0x62]) == .truncated, "a keyframe request without its layer")
        // A sender report whose bytes are not an SR.
        #expect(read([1, 2, 1, 0x61, 1, 0x62, 0, 0, 4, 0x80, 0xC9, 0, 0]) == .badSenderReport)
        #expect(read([1]) == nil, "a payload with no messages is empty, not wrong")
    }

    @Test func retransmissionRequestsAreBounded() throws {
        var writer = PipeWireWriter()
        writer.appendRetransmissionRequest(routerID: "r", producerID: "p", layer: 0, extendedSequences: Array(0..<200))
        let messages = try writer.bytes.withUnsafeBytes { try PipeWireReader.messages(in: $0) }
        guard case let .retransmissionRequest(_, _, _, sequences) = messages.first else {
            Issue.record("not a retransmission request")
            return
        }
        #expect(sequences == Array(0..<Int64(PipeWireWriter.maximumRequests)))
    }
}
