/// The room's audio format: 48 kHz mono signed 16-bit, 20 ms frames (Opus's
/// native rate; prompts and chimes are stored at it).
///
/// A room's phones are mixed at the rate of its widest caller instead
/// (`frameSamples(atRate:)`; 8 kHz for G.711 phones, see the gateway's
/// `RoomBridge`), so narrowband audio is not resampled up and down again.
public enum AudioFormat {
    /// Internal sample rate in Hz (Opus's native rate, the room's rate).
    public static let sampleRate = 48_000
    /// Samples in one 20 ms frame at `sampleRate`.
    public static let frameSamples = 960
    /// Frame duration in milliseconds.
    public static let frameMilliseconds = 20

    /// Samples in one 20 ms frame at `rate` Hz.
    @inlinable
    public static func frameSamples(atRate rate: Int) -> Int { rate / 50 }
}

/// Errors thrown by the Audio module. Never a trap: bad input yields one of these.
public enum AudioError: Error, Equatable, Sendable {
    /// A libopus call failed; `code` is the OPUS_* error (see opus_strerror).
    case opus(code: Int32)
    /// A spandsp state could not be created.
    case spandspInitFailed(String)
    /// speexdsp's preprocessor could not be created.
    case preprocessorInitFailed(String)
    /// The sample-rate pair is not supported by the resampler.
    case unsupportedRate(input: Int, output: Int)
    /// A frame or payload had the wrong length for the codec.
    case invalidLength(expected: Int, actual: Int)
    /// The payload could not be decoded.
    case invalidPayload
}
