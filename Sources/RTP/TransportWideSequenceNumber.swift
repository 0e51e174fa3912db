/// The transport-wide sequence number header extension
/// (draft-holmer-rmcat-transport-wide-cc-extensions-01 §2,
/// http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01):
/// a 16-bit counter over every packet on one transport, which transport-wide
/// congestion control feedback (`TransportFeedback`) refers to.
public struct TransportWideSequenceNumber: Sendable, Equatable {
    public var sequenceNumber: UInt16

    public init(_ sequenceNumber: UInt16) {
        self.sequenceNumber = sequenceNumber
    }

    /// Reads the element data (2 bytes, big endian); nil if shorter. The
    /// transport-wide-cc-02 variant appends a feedback request; extra bytes are
    /// ignored.
    public init?(element: UnsafeRawBufferPointer) {
        guard element.count >= 2 else { return nil }
        sequenceNumber = element.bigEndianUInt16(at: 0)
    }

    /// Writes `sequenceNumber` into the element data in place (the SFU numbers
    /// what it sends on each transport itself). Returns false, writing nothing,
    /// if the element is shorter than 2 bytes.
    @discardableResult
    public static func write(_ sequenceNumber: UInt16, into element: UnsafeMutableRawBufferPointer) -> Bool {
        guard element.count >= 2 else { return false }
        element.storeBigEndian(sequenceNumber, at: 0)
        return true
    }
}
