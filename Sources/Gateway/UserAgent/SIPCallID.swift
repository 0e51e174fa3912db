/// Identifies one call (one nua handle) across threads.
///
/// The token holds a serial number rather than the `nua_handle_t` pointer
/// itself: the sofia thread maps serials to live handles, so an action on a
/// call that has already ended is ignored instead of touching freed memory
/// (or a new call that reused the address).
public struct SIPCallID: Sendable, Hashable, CustomStringConvertible {
    /// Serial number, unique for the lifetime of the user agent.
    public let serial: UInt64
    /// The SIP Call-ID, for logs and correlation.
    public let callID: String

    init(serial: UInt64, callID: String) {
        self.serial = serial
        self.callID = callID
    }

    public static func == (lhs: SIPCallID, rhs: SIPCallID) -> Bool { lhs.serial == rhs.serial }
    public func hash(into hasher: inout Hasher) { hasher.combine(serial) }
    public var description: String { "call#\(serial)(\(callID))" }
}
