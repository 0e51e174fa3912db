import FuzzSupport
import RTP

/// RTP packet-path parsers must return a value or throw their typed error for
/// any bytes; never trap or read out of bounds. Besides that, checks:
/// - header ranges lie inside the packet and in order;
/// - extension elements lie inside the extension block, in order, with valid ids,
///   and `extensionElement(id:in:)` finds the first element of each id;
/// - remapping ids (map derived from the input) changes only the extension block,
///   and leaves exactly the kept elements, renamed, at the same places;
/// - the VP8 descriptor (of the payload, and of the raw input) is consistent, and
///   rewriting picture id / TL0PICIDX changes only those fields;
/// - a telephone event writes back its own bytes (R bit cleared);
/// - unwrapping keeps the low bits and never jumps more than half the space.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = FuzzInput.bytes(data, size)
    let hash = FuzzInput.fnv1a(bytes)
    bytes.withUnsafeBytes { raw in
        checkPacket(raw, bytes: bytes, hash: hash)
        checkVP8(raw, hash: hash)
        checkTelephoneEvent(raw)
        _ = H264Payload.isKeyframe(raw)
    }
    checkUnwrappers(bytes)
    return 0
}

func checkPacket(_ raw: UnsafeRawBufferPointer, bytes: [UInt8], hash: UInt32) {
    let header: RTPHeader
    do {
        header = try RTPHeader(parsing: raw)
    } catch {
        FuzzInput.log("RTP error: \(error)")
        return
    }
    let count = raw.count
    FuzzInput.check(header.payloadOffset >= 12 + 4 * header.csrcCount && header.payloadOffset <= count,
                    "payload offset \(header.payloadOffset) of \(count)")
    FuzzInput.check(header.paddingLength >= 0 && header.paddingLength <= count - header.payloadOffset,
                    "padding \(header.paddingLength)")
    FuzzInput.check(header.hasPadding == (header.paddingLength > 0), "padding flag")
    let payload = header.payloadRange(packetLength: count)
    FuzzInput.check(payload.upperBound <= count && payload.lowerBound == header.payloadOffset, "payload range")
    if let range = header.extensionRange {
        FuzzInput.check(range.lowerBound >= 16 && range.upperBound == header.payloadOffset && range.count % 4 == 0,
                        "extension range \(range)")
    }
    for index in 0..<header.csrcCount {
        FuzzInput.check(header.csrc(at: index, in: raw) != nil, "csrc \(index)")
    }

    // Elements.
    let elements = Array(header.extensionElements(in: raw))
    let twoByte = header.hasTwoByteExtensions
    var previousEnd = header.extensionRange?.lowerBound ?? 0
    for element in elements {
        guard let block = header.extensionRange else {
            FuzzInput.check(false, "elements without an extension")
            return
        }
        FuzzInput.check(element.headerOffset >= previousEnd && element.range.upperBound <= block.upperBound,
                        "element \(element) outside \(block) or overlapping")
        FuzzInput.check(element.range.lowerBound == element.headerOffset + (twoByte ? 2 : 1), "element header size")
        FuzzInput.check(twoByte ? element.id != 0 : (1...14).contains(element.id), "element id \(element.id)")
        FuzzInput.check(twoByte || (1...16).contains(element.range.count), "one-byte element length")
        previousEnd = element.range.upperBound
        let data = UnsafeRawBufferPointer(rebasing: raw[element.range])
        _ = AudioLevel(element: data)
        _ = TransportWideSequenceNumber(element: data)
    }
    for id in Set(elements.map(\.id) + Array(0...16) + [255]) {
        let first = elements.first { $0.id == id }?.range
        FuzzInput.check(header.extensionElement(id: id, in: raw) == (id == 0 ? nil : first), "lookup of id \(id)")
    }

    // Remap on a copy with a map derived from the input.
    var map = RTPExtensionIDMap()
    var state = hash
    for id in 0...255 {
        state = state &* 1_103_515_245 &+ 12345
        map[UInt8(id)] = UInt8(truncatingIfNeeded: state >> 16) % 20 // ids 0...19: some removed, some invalid one-byte
    }
    var copy = bytes
    copy.withUnsafeMutableBytes { RTPHeaderWriter.remapExtensionIDs(in: $0, header: header, map: map) }
    copy.withUnsafeBytes { remapped in
        guard let again = try? RTPHeader(parsing: remapped) else {
            FuzzInput.check(false, "remapped packet no longer parses")
            return
        }
        FuzzInput.check(again == header, "remap changed the header")
        let block = header.extensionRange ?? 0..<0
        for index in 0..<count where !block.contains(index) {
            FuzzInput.check(remapped[index] == raw[index], "remap wrote outside the extension block at \(index)")
        }
        let expected = elements.compactMap { element -> RTPHeaderExtensionElement? in
            let new = map[element.id]
            guard twoByte ? new != 0 : (1...14).contains(new) else { return nil }
            return RTPHeaderExtensionElement(id: new, headerOffset: element.headerOffset, range: element.range)
        }
        let actual = Array(again.extensionElements(in: remapped))
        FuzzInput.check(actual == expected, "remapped elements \(actual) != \(expected)")
        for element in expected {
            FuzzInput.check(remapped[element.range].elementsEqual(raw[element.range]), "remap changed element data")
        }
    }

    // Payload-level parsers on the payload.
    let payloadBytes = UnsafeRawBufferPointer(rebasing: raw[payload])
    checkVP8(payloadBytes, hash: hash)
    _ = H264Payload.isKeyframe(payloadBytes)
    checkTelephoneEvent(payloadBytes)
}

func checkVP8(_ raw: UnsafeRawBufferPointer, hash: UInt32) {
    let descriptor: VP8PayloadDescriptor
    do {
        descriptor = try VP8PayloadDescriptor(parsing: raw)
    } catch {
        return
    }
    FuzzInput.check(descriptor.headerLength >= 1 && descriptor.headerLength < raw.count, "VP8 header length")
    FuzzInput.check(descriptor.partitionID <= 7, "PID")
    FuzzInput.check(!descriptor.isKeyframe || (descriptor.startOfPartition && descriptor.partitionID == 0), "keyframe flags")
    FuzzInput.check(descriptor.width == nil || descriptor.isKeyframe, "size without key frame")
    if let pictureID = descriptor.pictureID {
        FuzzInput.check(pictureID <= (descriptor.pictureIDIs15Bit ? 0x7FFF : 0x7F), "picture id width")
    }
    if let layer = descriptor.temporalLayer { FuzzInput.check(layer <= 3, "TID") }
    if let key = descriptor.keyIndex { FuzzInput.check(key <= 31, "KEYIDX") }

    var copy = Array(raw)
    let newPictureID = UInt16(truncatingIfNeeded: hash)
    let newTL0 = UInt8(truncatingIfNeeded: hash >> 16)
    copy.withUnsafeMutableBytes {
        VP8PayloadDescriptor.rewrite(pictureID: newPictureID, tl0PicIdx: newTL0, in: $0, descriptor: descriptor)
    }
    copy.withUnsafeBytes { rewritten in
        guard let again = try? VP8PayloadDescriptor(parsing: rewritten) else {
            FuzzInput.check(false, "rewritten VP8 payload no longer parses")
            return
        }
        var expected = descriptor
        if descriptor.pictureID != nil {
            expected.pictureID = newPictureID & (descriptor.pictureIDIs15Bit ? 0x7FFF : 0x7F)
        }
        if descriptor.tl0PicIdx != nil { expected.tl0PicIdx = newTL0 }
        FuzzInput.check(again == expected, "VP8 rewrite: \(again) != \(expected)")
        FuzzInput.check(rewritten[descriptor.headerLength...].elementsEqual(raw[descriptor.headerLength...]),
                        "VP8 rewrite touched the payload")
    }
}

func checkTelephoneEvent(_ raw: UnsafeRawBufferPointer) {
    guard let event = try? TelephoneEvent(parsing: raw) else {
        FuzzInput.check(raw.count < 4, "telephone event of \(raw.count) bytes rejected")
        return
    }
    var written: [UInt8] = []
    event.append(to: &written)
    FuzzInput.check(written == [raw[0], raw[1] & 0xBF, raw[2], raw[3]], "telephone event round trip")
}

func checkUnwrappers(_ bytes: [UInt8]) {
    var sequence = SequenceNumberUnwrapper()
    var timestamp = TimestampUnwrapper()
    var previous: Int64?
    var previousTimestamp: Int64?
    var index = 0
    while index + 4 <= bytes.count {
        let s = UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1])
        let value = sequence.unwrap(s)
        FuzzInput.check(UInt16(truncatingIfNeeded: value) == s, "unwrapped low bits")
        if let previous { FuzzInput.check(abs(value - previous) <= 0x8000, "unwrap jump") }
        previous = value
        let t = UInt32(bytes[index]) << 24 | UInt32(bytes[index + 1]) << 16 | UInt32(bytes[index + 2]) << 8 | UInt32(bytes[index + 3])
        let extended = timestamp.unwrap(t)
        FuzzInput.check(UInt32(truncatingIfNeeded: extended) == t, "unwrapped timestamp low bits")
        if let previousTimestamp { FuzzInput.check(abs(extended - previousTimestamp) <= 0x8000_0000, "timestamp jump") }
        previousTimestamp = extended
        index += 2
    }
}

/// The entry point; see FuzzDriver for why a fuzz target needs one.
@main
enum Main {
    static func main() {
        FuzzDriver.run { data, size in fuzz(data ?? FuzzDriver.empty, size) }
    }
}
