/// The header extension ids a publish offer uses (Chromium's numbering) and
/// the answer confirmed. Zero means "not negotiated".
public struct HeaderExtensionIDs: Sendable, Equatable {
    public var mid: UInt8 = 0
    public var rid: UInt8 = 0
    public var repairedRID: UInt8 = 0
    public var audioLevel: UInt8 = 0
    public var absSendTime: UInt8 = 0

    public init(mid: UInt8 = 0, rid: UInt8 = 0, repairedRID: UInt8 = 0, audioLevel: UInt8 = 0, absSendTime: UInt8 = 0) {
        self.mid = mid
        self.rid = rid
        self.repairedRID = repairedRID
        self.audioLevel = audioLevel
        self.absSendTime = absSendTime
    }

    /// Chromium's ids in its offers (M120 and later).
    public static let chromium = HeaderExtensionIDs(mid: 4, rid: 10, repairedRID: 11, audioLevel: 1, absSendTime: 2)
}
