/// How much loss a caller's Opus encoder plans for (`OPUS_SET_PACKET_LOSS_PERC`),
/// from what the room's listeners report losing. libopus adds inband FEC
/// (RFC 6716 §2.1.7 LBRR) only while it is above 0, and spends more of the
/// bitrate on it the higher it is; FEC costs a narrowband encode about a
/// sixth of its time (`make audio-bench`), so a room whose listeners lose
/// nothing (or that has no browser at all) should not pay for it.
///
/// Steps as WebRTC's encoder does (0, 1, 5, 10, 20 %): up at once when a
/// listener reports more, down only after five reports in a row asked for
/// less, so one clean second does not drop the protection.
struct FECSteering {
    /// The percent the encoder is set to.
    private(set) var percent = 0
    private var lowerReports = 0
    static let steps = [0, 1, 5, 10, 20]
    static let reportsBeforeLowering = 5

    /// Takes the latest report (percent lost); returns the new setting when it changed.
    mutating func report(_ lost: Int) -> Int? {
        let wanted = Self.steps.last { $0 <= max(0, lost) } ?? 0
        if wanted > percent {
            percent = wanted
            lowerReports = 0
            return percent
        }
        guard wanted < percent else {
            lowerReports = 0
            return nil
        }
        lowerReports += 1
        guard lowerReports >= Self.reportsBeforeLowering else { return nil }
        lowerReports = 0
        percent = wanted
        return percent
    }
}
