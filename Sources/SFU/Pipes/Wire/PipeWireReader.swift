import RTP

/// Why a pipe datagram's payload was refused.
public enum PipeWireError: Error, Equatable, Sendable {
    case empty
    case unknownVersion(UInt8)
    case unknownType(UInt8)
    /// A length or field runs past the end of the payload.
    case truncated
    case badIdentifier
    case badSenderReport
    /// More retransmission requests in one message than a writer writes.
    case tooManyRequests
}

/// Reads the messages of one pipe payload (`PipeWireWriter` documents the
/// layout). All or nothing: a payload with one bad message yields none, so a
/// half-read datagram never reaches a router.
public enum PipeWireReader {
    public static func messages(in bytes: UnsafeRawBufferPointer) throws(PipeWireError) -> [PipeWireMessage] {
        guard let version = bytes.first else { throw .empty }
        guard version == PipeWireWriter.version else { throw .unknownVersion(version) }
        var cursor = Cursor(bytes: bytes, offset: 1)
        var messages: [PipeWireMessage] = []
        while cursor.offset < bytes.count {
            let type = try cursor.byte()
            guard (1...6).contains(type) else { throw .unknownType(type) }
            let routerID = try cursor.identifier()
            let producerID = try cursor.identifier()
            switch type {
            case 1:
                let layer = try cursor.byte()
                let sequence = Int64(bitPattern: try cursor.uint64())
                let length = Int(try cursor.uint16())
                let range = try cursor.skip(length)
                messages.append(.rtp(routerID: routerID, producerID: producerID, layer: layer,
                                     extendedSequence: sequence, packet: range))
            case 2:
                let layer = try cursor.byte()
                let length = Int(try cursor.uint16())
                let range = try cursor.skip(length)
                guard let report = try? SenderReport(parsing: UnsafeRawBufferPointer(rebasing: bytes[range])) else {
                    throw .badSenderReport
                }
                messages.append(.senderReport(routerID: routerID, producerID: producerID, layer: layer, report: report))
            case 3:
                messages.append(.keyframeRequest(routerID: routerID, producerID: producerID, layer: try cursor.byte()))
            case 4:
                let layer = try cursor.byte()
                let count = Int(try cursor.byte())
                guard count <= PipeWireWriter.maximumRequests else { throw .tooManyRequests }
                var sequences: [Int64] = []
                for _ in 0..<count { sequences.append(Int64(bitPattern: try cursor.uint64())) }
                messages.append(.retransmissionRequest(routerID: routerID, producerID: producerID, layer: layer,
                                                       extendedSequences: sequences))
            case 5:
                messages.append(.producerClosed(routerID: routerID, producerID: producerID))
            default:
                messages.append(.unpipe(routerID: routerID, producerID: producerID))
            }
        }
        return messages
    }

    private struct Cursor {
        let bytes: UnsafeRawBufferPointer
        var offset: Int

        mutating func skip(_ count: Int) throws(PipeWireError) -> Range<Int> {
            guard count >= 0, bytes.count - offset >= count else { throw .truncated }
            defer { offset += count }
            return offset ..< offset + count
        }

        mutating func byte() throws(PipeWireError) -> UInt8 {
            bytes[try skip(1).lowerBound]
        }

        mutating func uint16() throws(PipeWireError) -> UInt16 {
            let r = try skip(2)
            return UInt16(bytes[r.lowerBound]) << 8 | UInt16(bytes[r.lowerBound + 1])
        }

        mutating func uint64() throws(PipeWireError) -> UInt64 {
            let r = try skip(8)
            return r.reduce(0) { $0 << 8 | UInt64(bytes[$1]) }
        }

        mutating func identifier() throws(PipeWireError) -> String {
            let length = Int(try byte())
            let r = try skip(length)
            guard length > 0, let s = String(validating: bytes[r], as: UTF8.self) else { throw .badIdentifier }
            return s
        }
    }
}
