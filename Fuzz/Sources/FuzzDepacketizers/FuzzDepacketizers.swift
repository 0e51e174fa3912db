import Foundation
import FuzzSupport
import RTP
import Recording

/// The Recording depacketizers and frame assembler must return a value or
/// throw their error for any payloads, never trap. The input is a control
/// byte, then chunks of a length byte and that many bytes; each chunk is one
/// RTP payload (and, for the assembler, a packet whose first two bytes give
/// its sequence step and flags). Checks:
/// - VP8: a frame is the payloads less their descriptors (RFC 7741 §4.2), at
///   least a frame tag long; a keyframe has a size;
/// - H.264: the frame is well-formed 4-byte length-prefixed NAL units, a
///   keyframe exactly when one is an IDR; an avcC comes only with an SPS that parses;
/// - Opus: a packet lasts 2.5...120 ms;
/// - FrameAssembler: frames leave in sequence order (but across a restart),
///   no packet leaves twice, no frame is empty or longer than the limit.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = FuzzInput.bytes(data, size)
    guard let control = bytes.first else { return 0 }
    var chunks: [[UInt8]] = []
    var offset = 1
    while offset < bytes.count {
        let length = min(Int(bytes[offset]), bytes.count - offset - 1)
        chunks.append(Array(bytes[(offset + 1)..<(offset + 1 + length)]))
        offset += 1 + length
    }
    checkVP8(chunks)
    checkH264(chunks)
    checkOpus(chunks)
    checkAssembler(chunks, control: control)
    return 0
}

func checkVP8(_ payloads: [[UInt8]]) {
    guard let frame = try? VP8Depacketizer().frame(from: payloads) else { return }
    var expected = 0
    for payload in payloads {
        guard let descriptor = try? payload.withUnsafeBytes({ try VP8PayloadDescriptor(parsing: $0) }) else {
            FuzzInput.check(false, "a frame from a payload whose descriptor does not parse")
            return
        }
        expected += payload.count - descriptor.headerLength
    }
    FuzzInput.check(frame.data.count == expected && expected >= 3, "VP8 frame of \(frame.data.count) bytes, expected \(expected)")
    FuzzInput.check(!frame.isKeyframe || (frame.width ?? 0) > 0 && (frame.height ?? 0) > 0, "keyframe without size")
}

func checkH264(_ payloads: [[UInt8]]) {
    var depacketizer = H264Depacketizer()
    guard let frame = try? depacketizer.frame(from: payloads) else { return }
    var offset = 0
    var types: [UInt8] = []
    while offset + 4 <= frame.data.count {
        let length = frame.data[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
        FuzzInput.check(length > 0 && offset + 4 + length <= frame.data.count, "NAL length \(length) at \(offset)")
        guard length > 0, offset + 4 + length <= frame.data.count else { return }
        types.append(frame.data[offset + 4] & 0x1F)
        offset += 4 + length
    }
    FuzzInput.check(offset == frame.data.count && !types.isEmpty, "length prefixes do not tile the frame")
    FuzzInput.check(frame.isKeyframe == types.contains(5), "keyframe flag vs NAL types \(types)")
    if depacketizer.configuration != nil, let sps = depacketizer.sequenceParameterSet {
        FuzzInput.check((try? H264SequenceParameterSet(parsing: sps)) != nil, "avcC from an SPS that does not parse")
    }
    for payload in payloads where payload.first.map({ $0 & 0x1F == 7 }) == true {
        if let parsed = try? H264SequenceParameterSet(parsing: payload) {
            FuzzInput.check(parsed.width > 0 && parsed.height > 0 && parsed.width <= 16384 && parsed.height <= 32768, "SPS size")
        }
    }
}

func checkOpus(_ payloads: [[UInt8]]) {
    for payload in payloads {
        guard let frame = try? OpusDepacketizer().frame(from: [payload]) else { continue }
        let duration = frame.duration ?? 0
        FuzzInput.check(duration >= 0.0025 && duration <= 0.12, "Opus duration \(duration)")
    }
}

func checkAssembler(_ chunks: [[UInt8]], control: UInt8) {
    var assembler = FrameAssembler(framing: control & 1 == 0 ? .one : .marker,
                                   maximumReorderPackets: Int(control >> 4) + 1,
                                   maximumReorderDelay: Double(control >> 1 & 7) * 0.02,
                                   maximumFramePackets: 16)
    var sequence: Int64 = 0
    var arrival = 0.0
    var inserted = 0
    var emitted = 0
    var last: Int64?
    var restarts = 0
    for chunk in chunks where chunk.count >= 2 {
        // Byte 0: signed sequence step (×1, or ×1000 with bit 7 of byte 1); byte 1: marker, timestamp step, arrival step.
        let step = Int64(Int8(bitPattern: chunk[0])) * (chunk[1] & 0x80 != 0 ? 1000 : 1)
        sequence += step
        arrival += Double(chunk[1] & 0x0F) * 0.01
        let packet = FrameAssembler.Packet(sequence: sequence, timestamp: UInt32(truncatingIfNeeded: sequence >> (chunk[1] >> 4 & 3)),
                                           marker: chunk[1] & 0x40 != 0, payload: Array(chunk.dropFirst(2)), arrival: arrival)
        inserted += 1
        let outputs = assembler.insert(packet)
        if assembler.restarts != restarts {
            // A restart starts the order afresh.
            restarts = assembler.restarts
            last = nil
        }
        check(outputs, last: &last, emitted: &emitted)
    }
    check(assembler.flush(), last: &last, emitted: &emitted)
    FuzzInput.check(emitted <= inserted, "\(emitted) packets out of \(inserted) in")
}

/// Frames in sequence order, none empty or longer than the limit (16) allows.
func check(_ outputs: [FrameAssembler.Output], last: inout Int64?, emitted: inout Int) {
    for output in outputs {
        guard case let .frame(frame) = output else { continue }
        emitted += frame.payloads.count
        FuzzInput.check(!frame.payloads.isEmpty && frame.payloads.allSatisfy { !$0.isEmpty }, "empty frame or payload")
        FuzzInput.check(frame.payloads.count <= 16, "frame of \(frame.payloads.count) packets")
        if let last { FuzzInput.check(frame.firstSequence > last, "frame at \(frame.firstSequence) after \(last)") }
        last = frame.firstSequence
    }
}

/// Seeds: a VP8 keyframe in two packets (descriptor with I/L/T/K), an H.264
/// IDR as STAP-A (libx264's 640×360 SPS, a PPS) plus FU-A fragments, Opus
/// packets of each framing code, and a reordered packet run for the assembler.
/// `FUZZ_RECORDING_WRITE_SEEDS=Corpus/FuzzDepacketizers .build/debug/FuzzDepacketizers`
func seeds() -> [String: [UInt8]] {
    func input(_ control: UInt8, _ chunks: [[UInt8]]) -> [UInt8] {
        [control] + chunks.flatMap { [UInt8($0.count)] + $0 }
    }
    let key: [UInt8] = [0x50, 0x00, 0x00, 0x9D, 0x01, 0x2A, 0x80, 0x02, 0xE0, 0x01, 0xAA, 0xBB]
    let sps: [UInt8] = [0x67, 0x42, 0xC0, 0x1E, 0xD9, 0x00, 0xA0, 0x2F, 0xF9, 0x70, 0x11, 0x00, 0x00, 0x03, 0x00, 0x01,
                        0x00, 0x00, 0x03, 0x00, 0x3C, 0x0F, 0x16, 0x2E, 0x48]
    let pps: [UInt8] = [0x68, 0xCE, 0x3C, 0x80]
    let seeds: [String: [UInt8]] = [
        "vp8-keyframe": input(0x21, [[0x90, 0xF0, 0x81, 0x23, 0x07, 0x65] + key.prefix(7), [0x80, 0xF0, 0x81, 0x23, 0x07, 0x65] + key.dropFirst(7)]),
        "vp8-interframe": input(0x20, [[0x10, 0x31, 0x00, 0x00, 0xCC, 0xDD]]),
        "h264-idr": input(0x31, [[0x78, 0x00, UInt8(sps.count)] + sps + [0x00, 0x04] + pps,
                                 [0x7C, 0x85, 0x88, 0x84, 0x00], [0x7C, 0x05, 0x33, 0xFF], [0x7C, 0x45, 0xAB, 0xAB]]),
        "h264-sps": input(0x31, [sps, pps, [0x65, 0x88, 0x84]]),
        "opus-codes": input(0x00, [[0xF8, 0x01], [0xF9, 0x01, 0x02], [0xFA, 0x01, 0x02, 0x03], [0xFB, 0x03, 0x01], [0x0B << 3 | 3, 2]]),
        "assembler-reordered": input(0x51, [[0x01, 0x01, 0xAA], [0x02, 0x41, 0xAB], [0xFF, 0x01, 0xAC], [0x02, 0x11, 0xAD],
                                            [0x01, 0x51, 0xAE], [0x05, 0x0F, 0xAF], [0x01, 0xC1, 0xB0]]),
    ]
    return seeds
}

/// The entry point; see FuzzDriver for why a fuzz target needs one.
@main
enum Main {
    static func main() {
        if FuzzDriver.writeSeeds(ifAskedBy: "FUZZ_RECORDING_WRITE_SEEDS", seeds) { return }
        FuzzDriver.run { data, size in fuzz(data ?? FuzzDriver.empty, size) }
    }
}
