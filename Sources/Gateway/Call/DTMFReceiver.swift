import RTP

/// Turns RFC 4733 telephone-event packets into key presses. A phone sends
/// several packets per key (one every 50 ms while held, then the end packet
/// three times, RFC 4733 §2.5.1.4); all share the event's RTP timestamp,
/// which is how a key is told from the next press of the same key.
struct DTMFReceiver {
    private var lastEventTimestamp: UInt32?

    /// One telephone-event payload with its packet's RTP timestamp; returns
    /// the key when this packet starts a new event.
    mutating func receive(payload: UnsafeRawBufferPointer, timestamp: UInt32) -> Character? {
        guard let event = try? TelephoneEvent(parsing: payload), let key = event.dtmfKey else { return nil }
        guard timestamp != lastEventTimestamp else { return nil }
        lastEventTimestamp = timestamp
        return key
    }
}
