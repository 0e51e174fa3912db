/// Reads EBML element headers and values (RFC 8794 §4, §5, §7) from bytes,
/// checking every length against the buffer. Never traps.
enum EBMLReader {
    /// Why an element header could not be read.
    enum Failure: Error, Equatable {
        /// The bytes end inside the header.
        case truncated
        /// Not a valid VINT (a leading zero byte, or an ID longer than 4 bytes).
        case malformed
    }

    /// An element's ID and size, and where its data starts.
    struct ElementHeader: Equatable {
        var id: UInt32
        /// Nil for the reserved "unknown size" (all VINT_DATA bits set, RFC 8794 §6.2).
        var size: UInt64?
        /// Offset of the element's first byte (its ID).
        var start: Int
        /// Offset of the element's data.
        var dataStart: Int

        /// The end of the data when the size is known and fits in `Int`.
        var dataEnd: Int? {
            guard let size, size <= UInt64(Int.max - dataStart) else { return nil }
            return dataStart + Int(size)
        }
    }

    /// The element header at `offset`.
    static func header(in bytes: UnsafeRawBufferPointer, at offset: Int) throws(Failure) -> ElementHeader {
        guard offset >= 0, offset < bytes.count else { throw .truncated }
        let first = bytes[offset]
        let idLength = first.leadingZeroBitCount + 1
        guard idLength <= 4 else { throw .malformed }
        guard offset + idLength <= bytes.count else { throw .truncated }
        var id = UInt32(0)
        for index in 0..<idLength {
            id = id << 8 | UInt32(bytes[offset + index])
        }
        let (size, sizeLength) = try vint(in: bytes, at: offset + idLength)
        return ElementHeader(id: id, size: size, start: offset, dataStart: offset + idLength + sizeLength)
    }

    /// A size VINT at `offset`: its value (nil when unknown) and its length.
    static func vint(in bytes: UnsafeRawBufferPointer, at offset: Int) throws(Failure) -> (UInt64?, Int) {
        guard offset >= 0, offset < bytes.count else { throw .truncated }
        let first = bytes[offset]
        guard first != 0 else { throw .malformed } // VINT_WIDTH of more than 8 bytes
        let length = first.leadingZeroBitCount + 1
        guard offset + length <= bytes.count else { throw .truncated }
        var value = UInt64(first) & ((UInt64(1) << UInt64(8 - length)) - 1)
        for index in 1..<max(length, 1) {
            value = value << 8 | UInt64(bytes[offset + index])
        }
        let allOnes = (UInt64(1) << UInt64(7 * length)) - 1
        return (value == allOnes ? nil : value, length)
    }

    /// An unsigned integer of 0...8 bytes (RFC 8794 §7.2); nil if longer.
    static func uint(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> UInt64? {
        guard range.count <= 8, range.lowerBound >= 0, range.upperBound <= bytes.count else { return nil }
        var value = UInt64(0)
        for index in range {
            value = value << 8 | UInt64(bytes[index])
        }
        return value
    }

    /// A float of 0, 4 or 8 bytes (RFC 8794 §7.3).
    static func float(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Double? {
        switch range.count {
        case 0:
            return 0
        case 4:
            return uint(bytes, range).map { Double(Float(bitPattern: UInt32(truncatingIfNeeded: $0))) }
        case 8:
            return uint(bytes, range).map { Double(bitPattern: $0) }
        default:
            return nil
        }
    }

    /// A string element; trailing NUL padding (RFC 8794 §7.4) is dropped.
    static func string(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> String? {
        guard range.lowerBound >= 0, range.upperBound <= bytes.count else { return nil }
        var slice = bytes[range]
        while let last = slice.last, last == 0 {
            slice = slice.dropLast()
        }
        return String(decoding: slice, as: UTF8.self)
    }
}
