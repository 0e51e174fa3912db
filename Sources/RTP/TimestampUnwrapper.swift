/// Extends 32-bit RTP timestamps to a monotonic 64-bit count across
/// wrap-arounds; the 32-bit counterpart of `SequenceNumberUnwrapper` (RFC 3550
/// App. A.1 arithmetic).
public struct TimestampUnwrapper: Sendable {
    private var last: Int64?

    public init() {}

    /// The extended value of `t`; remembers it as the reference for the next call.
    public mutating func unwrap(_ t: UInt32) -> Int64 {
        let value = peek(t)
        last = value
        return value
    }

    /// The extended value `t` would get, without changing the reference.
    public func peek(_ t: UInt32) -> Int64 {
        guard let last else { return Int64(t) }
        return last + RTPSequence.distance(from: UInt32(truncatingIfNeeded: last), to: t)
    }
}
