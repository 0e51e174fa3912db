import RTP

/// Writes pipe messages into the payload of one datagram between nodes.
///
/// The payload starts with a version byte; each message is a type byte, the
/// room's and the producer's ids (a length byte and UTF-8 each), then what
/// the type carries, integers big-endian:
///
/// ```
/// rtp                      layer(1) extended sequence(8) length(2) packet
/// sender report            layer(1) length(2) RTCP SR packet (RFC 3550 §6.4.1)
/// keyframe request         layer(1)
/// retransmission request   layer(1) count(1) extended sequences(8 each)
/// producer closed, unpipe  (nothing)
/// ```
///
/// The whole payload is then protected as SRTP (`NodePipeLink`): it is
/// encrypted and authenticated, so the reader only ever sees what a node
/// of the cluster wrote, but it checks every length all the same.
public struct PipeWireWriter: Sendable {
    /// The version this writer writes; a reader refuses others.
    public static let version: UInt8 = 1
    /// The most retransmission requests one message carries.
    public static let maximumRequests = 64

    public private(set) var bytes: [UInt8]

    /// An empty payload (just the version), with room reserved for `capacity` bytes.
    public init(capacity: Int = 1500) {
        bytes = []
        bytes.reserveCapacity(capacity)
        bytes.append(Self.version)
    }

    /// Whether anything beyond the version was written.
    public var isEmpty: Bool { bytes.count <= 1 }

    /// The bytes a message with these ids and `body` bytes of its own takes.
    public static func size(routerID: String, producerID: String, body: Int) -> Int {
        3 + routerID.utf8.count + producerID.utf8.count + body
    }

    /// Ids longer than 255 bytes cannot be written; Parley's are far shorter.
    public static func fits(routerID: String, producerID: String) -> Bool {
        routerID.utf8.count <= 255 && producerID.utf8.count <= 255
    }

    public mutating func appendRTP(routerID: String, producerID: String, layer: UInt8, extendedSequence: Int64,
                                   packet: UnsafeRawBufferPointer) {
        precondition(packet.count <= Int(UInt16.max))
        begin(1, routerID, producerID)
        bytes.append(layer)
        append64(UInt64(bitPattern: extendedSequence))
        append16(UInt16(packet.count))
        bytes.append(contentsOf: packet)
    }

    public mutating func appendSenderReport(routerID: String, producerID: String, layer: UInt8, report: SenderReport) {
        var packet: [UInt8] = []
        report.append(to: &packet)
        begin(2, routerID, producerID)
        bytes.append(layer)
        append16(UInt16(packet.count))
        bytes.append(contentsOf: packet)
    }

    public mutating func appendKeyframeRequest(routerID: String, producerID: String, layer: UInt8) {
        begin(3, routerID, producerID)
        bytes.append(layer)
    }

    /// At most `maximumRequests` sequences are written; the rest are dropped.
    public mutating func appendRetransmissionRequest(routerID: String, producerID: String, layer: UInt8,
                                                     extendedSequences: [Int64]) {
        let sequences = extendedSequences.prefix(Self.maximumRequests)
        begin(4, routerID, producerID)
        bytes.append(layer)
        bytes.append(UInt8(sequences.count))
        for s in sequences { append64(UInt64(bitPattern: s)) }
    }

    public mutating func appendProducerClosed(routerID: String, producerID: String) {
        begin(5, routerID, producerID)
    }

    public mutating func appendUnpipe(routerID: String, producerID: String) {
        begin(6, routerID, producerID)
    }

    private mutating func begin(_ type: UInt8, _ routerID: String, _ producerID: String) {
        precondition(Self.fits(routerID: routerID, producerID: producerID), "ids longer than 255 bytes")
        bytes.append(type)
        bytes.append(UInt8(routerID.utf8.count))
        bytes.append(contentsOf: routerID.utf8)
        bytes.append(UInt8(producerID.utf8.count))
        bytes.append(contentsOf: producerID.utf8)
    }

    private mutating func append16(_ v: UInt16) {
        bytes.append(UInt8(v >> 8))
        bytes.append(UInt8(v & 0xFF))
    }

    private mutating func append64(_ v: UInt64) {
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8((v >> UInt64(shift)) & 0xFF)) }
    }
}
