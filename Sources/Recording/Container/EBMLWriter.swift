/// Builds EBML (RFC 8794) into a byte array: element IDs, sizes, and the typed
/// element bodies Matroska uses.
///
/// A value type that only appends; the caller hands `bytes` to one `write(2)`.
public struct EBMLWriter: Sendable {
    /// What has been built so far.
    public private(set) var bytes: [UInt8]

    /// The 8-byte "unknown size" VINT (RFC 8794 §6.2: all VINT_DATA bits set).
    public static let unknownSize: [UInt8] = [0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]

    /// The largest size an 8-byte VINT can carry (all ones is reserved for unknown).
    public static let maximumSize: UInt64 = (1 << 56) - 2

    public init(reservingCapacity capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Appends an element ID; IDs carry their own length marker (RFC 8794 §5).
    public mutating func appendID(_ id: UInt32) {
        let length = id > 0xFF_FFFF ? 4 : id > 0xFFFF ? 3 : id > 0xFF ? 2 : 1
        for index in stride(from: length - 1, through: 0, by: -1) {
            bytes.append(UInt8(truncatingIfNeeded: id >> (8 * UInt32(index))))
        }
    }

    /// Appends `size` as the shortest VINT that holds it (RFC 8794 §4). A value
    /// whose bits would all be ones at some length takes the next length, since
    /// all ones means "unknown". Sizes above `maximumSize` are clamped (never
    /// reached: elements here are far smaller).
    public mutating func appendSize(_ size: UInt64) {
        let value = min(size, Self.maximumSize)
        var length = 1
        while length < 8, value >= (UInt64(1) << (7 * UInt64(length))) - 1 {
            length += 1
        }
        let marked = value | (UInt64(1) << (7 * UInt64(length)))
        for index in stride(from: length - 1, through: 0, by: -1) {
            bytes.append(UInt8(truncatingIfNeeded: marked >> (8 * UInt64(index))))
        }
    }

    /// Appends the 8-byte unknown size, for a master element that is still being written.
    public mutating func appendUnknownSize() {
        bytes.append(contentsOf: Self.unknownSize)
    }

    /// An unsigned integer element in the fewest bytes (RFC 8794 §7.2; 0 takes one byte).
    public mutating func appendUInt(_ id: UInt32, _ value: UInt64) {
        var length = 1
        while length < 8, value >> (8 * UInt64(length)) != 0 {
            length += 1
        }
        appendID(id)
        appendSize(UInt64(length))
        for index in stride(from: length - 1, through: 0, by: -1) {
            bytes.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(index))))
        }
    }

    /// An 8-byte IEEE 754 float element (RFC 8794 §7.3).
    public mutating func appendFloat(_ id: UInt32, _ value: Double) {
        appendID(id)
        appendSize(8)
        let bits = value.bitPattern
        for index in stride(from: 7, through: 0, by: -1) {
            bytes.append(UInt8(truncatingIfNeeded: bits >> (8 * UInt64(index))))
        }
    }

    /// A string element (ASCII or UTF-8 alike: RFC 8794 §7.4, §7.5), without a terminator.
    public mutating func appendString(_ id: UInt32, _ value: String) {
        appendBinary(id, Array(value.utf8))
    }

    /// A binary element (RFC 8794 §7.8).
    public mutating func appendBinary(_ id: UInt32, _ value: [UInt8]) {
        appendID(id)
        appendSize(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    /// A master element of known size whose children `build` appends.
    public mutating func appendMaster(_ id: UInt32, _ build: (inout EBMLWriter) -> Void) {
        var body = EBMLWriter()
        build(&body)
        appendID(id)
        appendSize(UInt64(body.bytes.count))
        bytes.append(contentsOf: body.bytes)
    }

    /// Appends raw bytes (a payload whose element header was appended already).
    public mutating func appendRaw(_ raw: some Collection<UInt8>) {
        bytes.append(contentsOf: raw)
    }
}
