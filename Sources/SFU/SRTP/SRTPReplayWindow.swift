/// The receiver's replay list (RFC 3711 §3.3.2): the highest index
/// authenticated so far and a bitmap of the `size` indices below it. An
/// index is checked before authentication and recorded only after, so a
/// forged packet cannot move the window.
struct SRTPReplayWindow {
    /// Indices the window covers (libsrtp's default for WebRTC is larger
    /// than the RFC's 64: video bursts and retransmissions arrive late).
    static let size = 4096

    private var highest: Int64 = -1
    private var bits = [UInt64](repeating: 0, count: SRTPReplayWindow.size / 64)

    enum Check: Equatable { case fresh, replayed, tooOld }

    func check(_ index: Int64) -> Check {
        guard highest >= 0, index <= highest else { return .fresh }
        let distance = highest - index
        guard distance < Int64(Self.size) else { return .tooOld }
        let slot = Int(index % Int64(Self.size))
        return bits[slot / 64] & (1 << UInt64(slot % 64)) != 0 ? .replayed : .fresh
    }

    mutating func record(_ index: Int64) {
        if index > highest {
            // Clear the slots the window slides onto (all of them after a long jump).
            if highest < 0 || index - highest >= Int64(Self.size) {
                for i in bits.indices { bits[i] = 0 }
            } else {
                for cleared in (highest + 1)...index {
                    let slot = Int(cleared % Int64(Self.size))
                    bits[slot / 64] &= ~(1 << UInt64(slot % 64))
                }
            }
            highest = index
        }
        let slot = Int(index % Int64(Self.size))
        bits[slot / 64] |= 1 << UInt64(slot % 64)
    }
}
