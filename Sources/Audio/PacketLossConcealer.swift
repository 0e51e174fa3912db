import CSpanDSP

/// Waveform-substitution packet loss concealment through spandsp's `plc_*`
/// (pitch-period repetition with overlap-add, fading out over ~50 ms of
/// consecutive loss): what the gateway used before `LPCConcealer`, kept as
/// the baseline `LPCConcealerTests` and `make audio-bench` measure it against.
///
/// Feed every good frame through `received(_:)` (it may smooth the join after a
/// loss, so it edits the frame in place), and call `conceal(into:)` for each lost
/// one. spandsp tunes its pitch search for 8 kHz.
public final class PacketLossConcealer {
    private let state: UnsafeMutablePointer<plc_state_t>

    /// Creates a concealer with empty history.
    public init() {
        state = .allocate(capacity: 1)
        plc_init(state)
    }

    deinit {
        plc_release(state)
        state.deallocate()
    }

    /// Clears the history (new call or resync).
    public func reset() {
        plc_init(state)
    }

    /// Records a correctly received frame, smoothing it in place if it follows a loss.
    public func received(_ samples: UnsafeMutableBufferPointer<Int16>) {
        guard let p = samples.baseAddress, !samples.isEmpty else { return }
        plc_rx(state, p, Int32(samples.count))
    }

    /// Synthesises `samples.count` samples for a lost packet.
    public func conceal(into samples: UnsafeMutableBufferPointer<Int16>) {
        guard let p = samples.baseAddress, !samples.isEmpty else { return }
        plc_fillin(state, p, Int32(samples.count))
    }
}
