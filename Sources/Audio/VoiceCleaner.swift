import CSpeexDSP

/// Cleans a caller's voice before the room hears it: speexdsp's preprocessor
/// suppresses steady background noise (fans, traffic, a kitchen's hum; a
/// spectral estimate of the noise subtracted band by band) and, with
/// automatic gain, brings quiet and loud phones to one level.
///
/// One instance per call and codec rate; samples in whole 10 ms frames at
/// `sampleRate`, processed in place, in order. The output lags the input by
/// one such frame (10 ms).
public final class VoiceCleaner {
    /// What to apply.
    public struct Settings: Sendable, Equatable {
        /// Noise suppression on.
        public var noiseSuppression: Bool
        /// Automatic gain control on.
        public var automaticGain: Bool
        /// The most the noise is attenuated, in dB (speexdsp's default is 15;
        /// a phone in a noisy room needs more).
        public var suppressionDecibels: Int

        public init(noiseSuppression: Bool = true, automaticGain: Bool = true, suppressionDecibels: Int = 30) {
            self.noiseSuppression = noiseSuppression
            self.automaticGain = automaticGain
            self.suppressionDecibels = suppressionDecibels
        }

        /// Whether anything is applied at all.
        public var isActive: Bool { noiseSuppression || automaticGain }
    }

    public let sampleRate: Int
    public let frameSamples: Int
    private let state: OpaquePointer

    /// A cleaner for audio at `sampleRate`.
    public init(sampleRate: Int, settings: Settings) throws(AudioError) {
        self.sampleRate = sampleRate
        // 10 ms frames: the preprocessor's half-overlapping windows delay its
        // output by one frame, and the gateway's delay budget is tight.
        frameSamples = sampleRate / 100
        guard let state = speex_preprocess_state_init(Int32(frameSamples), Int32(sampleRate)) else {
            throw .preprocessorInitFailed("speex_preprocess_state_init(\(frameSamples), \(sampleRate))")
        }
        self.state = state
        _ = parley_speex_set_denoise(state, settings.noiseSuppression ? 1 : 0)
        _ = parley_speex_set_noise_suppress(state, -Int32(abs(settings.suppressionDecibels)))
        _ = parley_speex_set_agc(state, settings.automaticGain ? 1 : 0)
        if settings.automaticGain {
            // About -12 dBFS for speech, and no more than 20 dB of gain: a
            // quiet phone comes up, line noise between words does not.
            _ = parley_speex_set_agc_level(state, 8_000)
            _ = parley_speex_set_agc_max_gain(state, 20)
            _ = parley_speex_set_agc_increment(state, 12)
            _ = parley_speex_set_agc_decrement(state, -40)
        }
    }

    deinit { speex_preprocess_state_destroy(state) }

    /// Cleans `samples` in place: every whole 10 ms frame in it (a 20 ms
    /// packet is two; a remainder shorter than a frame is left as it is).
    public func process(_ samples: UnsafeMutableBufferPointer<Int16>) {
        guard let base = samples.baseAddress else { return }
        var offset = 0
        while offset + frameSamples <= samples.count {
            _ = speex_preprocess_run(state, base + offset)
            offset += frameSamples
        }
    }
}
