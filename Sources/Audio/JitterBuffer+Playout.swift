extension JitterBuffer {
    /// Adds an arriving packet.
    /// - Parameters:
    ///   - ssrc: the packet's SSRC; a change resyncs. Pass nil to ignore.
    ///   - arrivalNanoseconds: a monotonic arrival time, for the jitter estimate.
    public mutating func insert(sequenceNumber seq: UInt16, timestamp: UInt32, ssrc: UInt32? = nil,
                                payload: [UInt8], arrivalNanoseconds: UInt64) {
        statistics.received += 1
        updateJitter(timestamp: timestamp, arrivalNanoseconds: arrivalNanoseconds)
        let packet = Packet(sequenceNumber: seq, timestamp: timestamp, payload: payload)
        let capacity = configuration.capacity
        if !started || (ssrc != nil && self.ssrc != nil && ssrc != self.ssrc) {
            resync(with: packet, ssrc: ssrc, counted: started)
            return
        }
        let d = Self.distance(seq, nextSeq)
        if d >= capacity || d < -capacity {
            // Not reordering but a new sequence space (stream restart).
            resync(with: packet, ssrc: ssrc ?? self.ssrc, counted: true)
            return
        }
        if d < 0 {
            statistics.late += 1
            grow()
            return
        }
        let i = index(seq)
        if slots[i]?.sequenceNumber == seq {
            statistics.duplicates += 1
            return
        }
        if d == 0 && playing && emptyPulls > 0 {
            // A pull already found this slot empty: the packet was late, not lost.
            grow()
        }
        slots[i] = packet
        statistics.depth += 1
        if Self.distance(seq, highestSeq) > 0 || statistics.depth == 1 { highestSeq = seq }
        if !playing && waitRemaining == nil { waitRemaining = statistics.targetFrames }
    }

    /// Returns what to play for the next 20 ms tick.
    public mutating func pull() -> Output {
        guard started else { return .silence }
        if !playing {
            guard let wait = waitRemaining, statistics.depth > 0 else { return .silence }
            if wait > 0 {
                waitRemaining = wait - 1
                return .silence
            }
            startPlayout()
        }
        adapt()
        let i = index(nextSeq)
        if let packet = slots[i], packet.sequenceNumber == nextSeq {
            take(i)
            emptyPulls = 0
            return .frame(packet)
        }
        if statistics.depth > 0 && emptyPulls > 0 {
            // Ticks that found this slot empty (and waited for a late packet)
            // already played a concealment frame each; a later packet shows the
            // wait was for a lost one. Those frames stood in for it: skip as many
            // missing packets, so a loss costs one frame, not a concealment now
            // and a trimmed frame later (the playout point would have slipped).
            // With lookahead, one of those frames is kept as an extra one:
            // the first missing packet is still played as lost, next, with
            // the packet after it in hand.
            var covered = emptyPulls - (startLookahead() ? 1 : 0)
            emptyPulls = 0
            while covered > 0, slots[index(nextSeq)]?.sequenceNumber != nextSeq {
                statistics.lost += 1
                nextSeq &+= 1
                covered -= 1
            }
            let j = index(nextSeq)
            if let packet = slots[j], packet.sequenceNumber == nextSeq {
                take(j)
                return .frame(packet)
            }
        }
        if statistics.depth > 0 {
            // A later packet is here, so this one is lost (or hopelessly late).
            let seq = nextSeq
            statistics.lost += 1
            _ = startLookahead()
            nextSeq &+= 1
            emptyPulls = 0
            let j = index(nextSeq)
            let next = slots[j].flatMap { $0.sequenceNumber == nextSeq ? $0 : nil }
            return .lost(sequenceNumber: seq, next: next)
        }
        // Empty: a late packet, or the end of a talk spurt. Hold the playout point
        // for a late packet; after three empty ticks assume silence and re-buffer.
        statistics.underruns += 1
        emptyPulls += 1
        if emptyPulls >= 3 {
            playing = false
            waitRemaining = nil
            emptyPulls = 0
            return .silence
        }
        return .lost(sequenceNumber: nextSeq, next: nil)
    }

    /// A packet went missing: for `lookaheadAfterLossPulls` ticks at least
    /// one frame is held back. True when none was held back until now: the
    /// tick that already stood in for the missing packet then stays as an
    /// extra frame (the delay grows by it). False when lookahead is off, or
    /// the buffer was already holding frames back (then an empty tick was
    /// jitter beyond them, handled as without lookahead).
    private mutating func startLookahead() -> Bool {
        guard configuration.lookaheadAfterLossPulls > 0 else { return false }
        let wasHolding = statistics.targetFrames >= 1
        lookaheadPulls = configuration.lookaheadAfterLossPulls
        statistics.targetFrames = max(statistics.targetFrames, min(1, configuration.maxFrames))
        return !wasHolding
    }

    /// Drops everything and waits for a new stream (e.g. after a re-INVITE).
    public mutating func reset() {
        for i in slots.indices { slots[i] = nil }
        started = false
        playing = false
        waitRemaining = nil
        ssrc = nil
        emptyPulls = 0
        overTargetPulls = 0
        lastTransit = nil
        statistics.depth = 0
    }

    private mutating func resync(with packet: Packet, ssrc: UInt32?, counted: Bool) {
        reset()
        if counted { statistics.resyncs += 1 }
        started = true
        self.ssrc = ssrc
        nextSeq = packet.sequenceNumber
        highestSeq = packet.sequenceNumber
        slots[index(packet.sequenceNumber)] = packet
        statistics.depth = 1
        waitRemaining = statistics.targetFrames
    }

    /// Starts a talk spurt at the oldest buffered packet; slots skipped over were
    /// never received in time and count as lost. A backlog (the sender or the
    /// network stalled, then everything came at once) is dropped down to the
    /// target here, in one step: played out, it would add its whole length to
    /// the delay and be trimmed away a frame every `trimAfterPulls` ticks.
    private mutating func startPlayout() {
        playing = true
        emptyPulls = 0
        overTargetPulls = 0
        for step in 0..<configuration.capacity {
            let seq = nextSeq &+ UInt16(truncatingIfNeeded: step)
            if let p = slots[index(seq)], p.sequenceNumber == seq {
                nextSeq = seq
                break
            }
            // Mid-stream gaps only; a fresh start has the first packet at nextSeq.
            statistics.lost += 1
        }
        // More than three frames over: ordinary jitter never piles up that far
        // (the hold and the trim deal with it); a stall does.
        let span = Self.distance(highestSeq, nextSeq) + 1
        guard span > statistics.targetFrames + 4 else { return }
        var excess = span - (statistics.targetFrames + 1)
        while excess > 0 {
            let i = index(nextSeq)
            if slots[i]?.sequenceNumber == nextSeq { take(i) } else { nextSeq &+= 1 }
            statistics.discarded += 1
            excess -= 1
        }
    }

    private mutating func take(_ i: Int) {
        slots[i] = nil
        statistics.depth -= 1
        nextSeq &+= 1
    }

    private mutating func grow() {
        statistics.targetFrames = min(statistics.targetFrames + 1, configuration.maxFrames)
        pullsSinceLate = 0
        if let since = pullsSinceShrink, since < shrinkInterval {
            // The last shrink was too soon: wait longer before the next.
            shrinkInterval = min(shrinkInterval * 2, configuration.shrinkAfterPulls * 12)
            pullsSinceShrink = nil
        }
    }

    /// Slow shrink of the target and trimming of excess depth.
    private mutating func adapt() {
        pullsSinceLate += 1
        if lookaheadPulls > 0 { lookaheadPulls -= 1 }
        let floor = lookaheadPulls > 0 ? max(configuration.minFrames, min(1, configuration.maxFrames)) : configuration.minFrames
        if let since = pullsSinceShrink {
            pullsSinceShrink = since + 1
            if since + 1 >= shrinkInterval {
                // The last shrink held: be quicker to try the next.
                shrinkInterval = max(configuration.shrinkAfterPulls, shrinkInterval / 2)
                pullsSinceShrink = nil
            }
        }
        if pullsSinceLate >= shrinkInterval {
            pullsSinceLate = 0
            if statistics.targetFrames > floor { pullsSinceShrink = 0 }
            statistics.targetFrames = max(statistics.targetFrames - 1, floor)
        }
        let span = Self.distance(highestSeq, nextSeq) + 1
        if statistics.depth > 0 && span > statistics.targetFrames + 1 {
            overTargetPulls += 1
            if overTargetPulls >= configuration.trimAfterPulls {
                overTargetPulls = 0
                let i = index(nextSeq)
                if slots[i]?.sequenceNumber == nextSeq {
                    take(i)
                } else {
                    nextSeq &+= 1
                }
                statistics.discarded += 1
            }
        } else {
            overTargetPulls = 0
        }
    }

    /// RFC 3550 §6.4.1 / §A.8: J += (|D| − J) / 16, in RTP clock units.
    private mutating func updateJitter(timestamp: UInt32, arrivalNanoseconds: UInt64) {
        let arrival = Double(arrivalNanoseconds) * Double(configuration.clockRate) / 1e9
        let transit = arrival - Double(timestamp)
        if let last = lastTransit {
            var d = abs(transit - last)
            // A timestamp wrap or a new spurt after a long gap is not jitter.
            if d > Double(configuration.clockRate) { d = statistics.jitter }
            statistics.jitter += (d - statistics.jitter) / 16
        }
        lastTransit = transit
    }
}
