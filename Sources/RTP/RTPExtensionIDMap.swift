/// How a forwarded packet's RFC 8285 header extension ids change for one
/// receiver: entry `old` holds the id the receiver negotiated for the same URI.
///
/// Built once per consumer when the SDP is negotiated; looking an id up on the
/// packet path allocates nothing. An entry of `RTPExtensionIDMap.remove` (0, the
/// starting value of every entry) makes `RTPHeaderWriter.remapExtensionIDs`
/// overwrite that element with padding bytes, so the receiver never sees an
/// extension it did not negotiate.
public struct RTPExtensionIDMap: Sendable, Equatable {
    /// The entry value that removes an element (RFC 8285 §4.1: zero bytes are padding).
    public static let remove: UInt8 = 0

    private var table: [UInt8]

    /// A map that removes every element.
    public init() {
        table = [UInt8](repeating: Self.remove, count: 256)
    }

    /// A map that keeps `id → id` for the given ids and removes every other element.
    public init(keeping ids: some Sequence<UInt8>) {
        self.init()
        for id in ids { table[Int(id)] = id }
    }

    /// A map from old id to new id; unlisted ids are removed.
    public init(_ pairs: [UInt8: UInt8]) {
        self.init()
        for (old, new) in pairs { table[Int(old)] = new }
    }

    /// A map that changes nothing (every id maps to itself).
    public static var identity: RTPExtensionIDMap {
        RTPExtensionIDMap(keeping: 0...255)
    }

    /// The new id for elements with id `old` (`remove` to drop them).
    public subscript(old: UInt8) -> UInt8 {
        get { table[Int(old)] }
        set { table[Int(old)] = newValue }
    }

    /// Runs `body` over the 256 entries.
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try table.withUnsafeBufferPointer(body)
    }
}
