import FuzzSupport
import PipeWire
import RTP

/// PipeWireReader must read any payload into messages or throw a
/// PipeWireError (the payload of pipe datagrams between nodes, after SRTP).
/// Properties checked besides "no trap":
/// - a packet's range lies inside the payload, after the bytes that name it;
/// - whatever reads, written again with PipeWireWriter, reads back to the
///   same messages (packet bytes compared, not ranges), and the rewrite is
///   byte for byte the input (the format has one spelling per message, but
///   for sender reports, whose packet is written anew);
/// - a payload that reads has every prefix either read to a prefix of its
///   messages or refused.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = FuzzInput.bytes(data, size)
    guard let messages = try? input.withUnsafeBytes({ try PipeWireReader.messages(in: $0) }) else { return 0 }
    var writer = PipeWireWriter()
    var hasReport = false
    for message in messages {
        switch message {
        case let .rtp(r, p, layer, sequence, range):
            FuzzInput.check(range.lowerBound >= 1 && range.upperBound <= input.count, "packet range \(range) outside \(input.count)")
            Array(input[range]).withUnsafeBytes {
                writer.appendRTP(routerID: r, producerID: p, layer: layer, extendedSequence: sequence, packet: $0)
            }
        case let .senderReport(r, p, layer, report):
            hasReport = true
            writer.appendSenderReport(routerID: r, producerID: p, layer: layer, report: report)
        case let .keyframeRequest(r, p, layer):
            writer.appendKeyframeRequest(routerID: r, producerID: p, layer: layer)
        case let .retransmissionRequest(r, p, layer, sequences):
            FuzzInput.check(sequences.count <= PipeWireWriter.maximumRequests, "\(sequences.count) requests")
            writer.appendRetransmissionRequest(routerID: r, producerID: p, layer: layer, extendedSequences: sequences)
        case let .producerClosed(r, p):
            writer.appendProducerClosed(routerID: r, producerID: p)
        case let .unpipe(r, p):
            writer.appendUnpipe(routerID: r, producerID: p)
        }
    }
    let again = try? writer.bytes.withUnsafeBytes { try PipeWireReader.messages(in: $0) }
    FuzzInput.check(again != nil, "the rewrite does not read")
    FuzzInput.check(again.map { same($0, writer.bytes, messages, input) } ?? false, "the rewrite reads differently")
    if !hasReport { FuzzInput.check(writer.bytes == input, "the rewrite differs from the input") }
    // Prefixes: a prefix of the messages, or an error.
    let cut = Int(FuzzInput.fnv1a(input) % UInt32(max(1, input.count)))
    if let prefix = try? Array(input[..<max(1, cut)]).withUnsafeBytes({ try PipeWireReader.messages(in: $0) }) {
        FuzzInput.check(prefix.count <= messages.count, "a prefix read more messages")
    }
    return 0
}

/// Two readings agree: the same messages, packets compared by their bytes.
private func same(_ a: [PipeWireMessage], _ aBytes: [UInt8], _ b: [PipeWireMessage], _ bBytes: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    for (x, y) in zip(a, b) {
        switch (x, y) {
        case let (.rtp(r1, p1, l1, s1, range1), .rtp(r2, p2, l2, s2, range2)):
            guard r1 == r2, p1 == p2, l1 == l2, s1 == s2, aBytes[range1].elementsEqual(bBytes[range2]) else { return false }
        default:
            guard x == y else { return false }
        }
    }
    return true
}

@main
enum Main {
    static func main() {
        if FuzzDriver.writeSeeds(ifAskedBy: "FUZZ_WRITE_SEEDS", seeds) { return }
        FuzzDriver.run { data, size in fuzz(data ?? FuzzDriver.empty, size) }
    }

    static func seeds() -> [String: [UInt8]] {
        var every = PipeWireWriter()
        [0x80, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xAB].withUnsafeBytes {
            every.appendRTP(routerID: "room", producerID: "pr0-a", layer: 1, extendedSequence: 65_536, packet: $0)
        }
        every.appendSenderReport(routerID: "room", producerID: "pr0-a", layer: 0,
                                 report: SenderReport(ssrc: 1, ntpTimestamp: 2, rtpTimestamp: 3, packetCount: 4, octetCount: 5))
        every.appendKeyframeRequest(routerID: "room", producerID: "pr0-a", layer: 2)
        every.appendRetransmissionRequest(routerID: "room", producerID: "pr0-a", layer: 2, extendedSequences: [7, 8])
        every.appendProducerClosed(routerID: "room", producerID: "pr0-a")
        every.appendUnpipe(routerID: "room", producerID: "pr0-a")
        var unpipe = PipeWireWriter()
        unpipe.appendUnpipe(routerID: "r", producerID: "p")
        return ["every-message": every.bytes, "unpipe": unpipe.bytes, "empty": [1]]
    }
}
