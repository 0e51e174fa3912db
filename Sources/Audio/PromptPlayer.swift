/// Plays a queue of 48 kHz clips (spoken prompts, chimes) one 20 ms frame at a time.
///
/// The gateway asks for a frame every tick while `isPlaying`; the last frame of
/// a clip is zero-padded, and the next clip starts on the following frame.
public struct PromptPlayer: Sendable {
    private var queue: [[Int16]] = []
    private var head = 0
    private var position = 0

    /// Creates an idle player.
    public init() {}

    /// True while a clip is queued or playing.
    public var isPlaying: Bool { head < queue.count }

    /// Clips waiting or playing.
    public var queuedClips: Int { queue.count - head }

    /// Appends a clip (48 kHz mono samples); empty clips are ignored.
    public mutating func enqueue(_ clip: [Int16]) {
        guard !clip.isEmpty else { return }
        if head == queue.count {
            queue.removeAll(keepingCapacity: true)
            head = 0
            position = 0
        }
        queue.append(clip)
    }

    /// Stops playback and drops the queue (e.g. when the caller presses a key).
    public mutating func stop() {
        queue.removeAll(keepingCapacity: true)
        head = 0
        position = 0
    }

    /// Fills `frame` with the next 20 ms (960 samples); returns false, leaving
    /// `frame` untouched, when nothing is playing.
    public mutating func nextFrame(into frame: UnsafeMutableBufferPointer<Int16>) -> Bool {
        guard isPlaying else { return false }
        let clip = queue[head]
        let n = min(frame.count, clip.count - position)
        clip.withUnsafeBufferPointer { src in
            for i in 0..<n { frame[i] = src[position + i] }
        }
        for i in n..<frame.count { frame[i] = 0 }
        position += n
        if position >= clip.count {
            head += 1
            position = 0
        }
        return true
    }

    /// Array form of `nextFrame(into:)`: a 960-sample frame, or nil when idle.
    public mutating func nextFrame() -> [Int16]? {
        guard isPlaying else { return nil }
        var frame = [Int16](repeating: 0, count: AudioFormat.frameSamples)
        _ = frame.withUnsafeMutableBufferPointer { nextFrame(into: $0) }
        return frame
    }
}
