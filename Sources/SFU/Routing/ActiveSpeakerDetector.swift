import NIOCore

/// Picks the active speaker from RFC 6464 audio levels (0 = loudest,
/// 127 = silence, in -dBov), with hysteresis so the highlight does not
/// flicker between two people talking at once.
struct ActiveSpeakerDetector {
    /// Quieter than this (in -dBov) is not speech.
    var speechThreshold = 60.0
    /// A challenger must be this many dB louder to take over.
    var switchMargin = 6.0
    /// A new speaker takes over only after the current one was quiet this long.
    var holdTime = TimeAmount.milliseconds(1500)

    private(set) var speaker: String?
    private var speakerLastHeard: NIODeadline?

    /// Takes one window of mean levels; returns `.some(newSpeaker)` when the speaker changed.
    mutating func update(levels: [(producerID: String, level: Double)], now: NIODeadline) -> String?? {
        let speaking = levels.filter { $0.level < speechThreshold }
        let loudest = speaking.min { $0.level < $1.level }
        let current = speaking.first { $0.producerID == speaker }
        if current != nil { speakerLastHeard = now }
        // Silence keeps the last speaker (the "dominant speaker" of Jitsi and Meet).
        guard let loudest, loudest.producerID != speaker else { return nil }
        // A louder challenger wins at once only by a clear margin; otherwise
        // after the current speaker has been quiet for the hold time.
        if current != nil, loudest.level > current!.level - switchMargin { return nil }
        if current == nil, let heard = speakerLastHeard, now - heard < holdTime, speaker != nil { return nil }
        speaker = loudest.producerID
        speakerLastHeard = now
        return .some(speaker)
    }

    mutating func forget(_ producerID: String) {
        if speaker == producerID { speaker = nil }
    }
}
