// Writing transport-wide feedback
// (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1).

extension TransportFeedback {
    /// Feedback for packets given by arrival time rather than by delta: the
    /// reference time is the first arrival rounded down to 64 ms, and deltas are
    /// computed on the 250 µs grid so rounding never accumulates.
    ///
    /// `arrivals` lists received packets in sequence order from `baseSequence`
    /// (wrapping), with arrival times in µs on any clock; packets not listed are
    /// reported as not received. Arrivals more than ±8.19 s apart do not fit a
    /// delta and are clamped — send feedback more often than that.
    public init(senderSSRC: UInt32, mediaSSRC: UInt32, baseSequence: UInt16, feedbackPacketCount: UInt8,
                arrivals: [(sequence: UInt16, arrivalMicros: Int64)]) {
        let firstArrival = arrivals.first?.arrivalMicros ?? 0
        let referenceUnits = Self.floorDivide(firstArrival, Self.referenceTimeUnitMicros)
        var previousTick = referenceUnits * (Self.referenceTimeUnitMicros / Self.deltaUnitMicros)
        var packets: [(sequence: UInt16, receivedDeltaMicros: Int64?)] = []
        packets.reserveCapacity(arrivals.count)
        for arrival in arrivals {
            let tick = Self.floorDivide(arrival.arrivalMicros, Self.deltaUnitMicros)
            let delta = min(max(tick - previousTick, Int64(Int16.min)), Int64(Int16.max))
            previousTick += delta
            packets.append((arrival.sequence, delta * Self.deltaUnitMicros))
        }
        // 24-bit signed wrap-around: the receiver only uses differences.
        let reference = Int32(truncatingIfNeeded: (referenceUnits << 40) >> 40)
        self.init(senderSSRC: senderSSRC, mediaSSRC: mediaSSRC, baseSequence: baseSequence,
                  referenceTime: reference, feedbackPacketCount: feedbackPacketCount, packets: packets)
    }

    /// Appends the packet.
    ///
    /// Chunks are chosen greedily: a run of 14 or more equal symbols (or the rest
    /// of the packets) becomes a run-length chunk; otherwise up to 14 symbols
    /// without a large delta become a one-bit vector; otherwise a run of 7 or more
    /// becomes a run-length chunk and anything else a two-bit vector of 7. A delta
    /// of 0...63.75 ms is small (1 byte), anything else large (2 bytes, clamped to
    /// ±8191.75 ms). Like libwebrtc, the packet is padded to 32 bits with RTCP
    /// padding (P bit, count in the last byte).
    public func append(to bytes: inout [UInt8]) {
        var symbols: [UInt8] = []
        var ticks: [Int16] = []
        symbols.reserveCapacity(packets.count)
        ticks.reserveCapacity(packets.count)
        for packet in packets {
            let index = Int(packet.sequence &- baseSequence)
            // Strictly increasing, and the count must fit 16 bits.
            guard index >= symbols.count, index < Int(UInt16.max) else { continue }
            while symbols.count < index { symbols.append(0) }
            if let micros = packet.receivedDeltaMicros {
                let tick = Self.roundedTicks(micros)
                symbols.append(tick >= 0 && tick <= 0xFF ? 1 : 2)
                ticks.append(Int16(min(max(tick, Int64(Int16.min)), Int64(Int16.max))))
            } else {
                symbols.append(0)
            }
        }

        let start = RTCPHeader.beginPacket(count: RTCPFeedbackFormat.transportWideCC,
                                           packetType: RTCPPacketType.rtpFeedback, in: &bytes)
        bytes.appendBigEndian(senderSSRC)
        bytes.appendBigEndian(mediaSSRC)
        bytes.appendBigEndian(baseSequence)
        bytes.appendBigEndian(UInt16(symbols.count))
        bytes.appendBigEndian24(UInt32(bitPattern: referenceTime))
        bytes.append(feedbackPacketCount)
        Self.appendChunks(symbols, to: &bytes)
        var received = 0
        for symbol in symbols where symbol != 0 {
            let tick = ticks[received]
            received += 1
            if symbol == 1 {
                bytes.append(UInt8(tick))
            } else {
                bytes.appendBigEndian(UInt16(bitPattern: tick))
            }
        }
        let padding = (4 - (bytes.count - start) % 4) % 4
        if padding > 0 {
            for _ in 1..<padding { bytes.append(0) }
            bytes.append(UInt8(padding))
            bytes[start] |= 0x20
        }
        RTCPHeader.finishPacket(startingAt: start, in: &bytes)
    }

    /// Appends packet chunks encoding `symbols` (§3.1.3, §3.1.4).
    static func appendChunks(_ symbols: [UInt8], to bytes: inout [UInt8]) {
        let count = symbols.count
        var index = 0
        while index < count {
            let symbol = symbols[index]
            var run = 1
            while index + run < count, symbols[index + run] == symbol, run < 0x1FFF { run += 1 }
            let remaining = count - index
            let window = min(14, remaining)
            if run >= 14 || run == remaining {
                bytes.appendBigEndian(UInt16(symbol) << 13 | UInt16(run))
                index += run
            } else if !symbols[index..<index + window].contains(2) {
                var chunk: UInt16 = 0x8000
                for offset in 0..<window where symbols[index + offset] != 0 {
                    chunk |= 1 << (13 - offset)
                }
                bytes.appendBigEndian(chunk)
                index += window
            } else if run >= 7 {
                bytes.appendBigEndian(UInt16(symbol) << 13 | UInt16(run))
                index += run
            } else {
                var chunk: UInt16 = 0xC000
                for offset in 0..<min(7, remaining) {
                    chunk |= UInt16(symbols[index + offset]) << (12 - 2 * offset)
                }
                bytes.appendBigEndian(chunk)
                index += min(7, remaining)
            }
        }
    }

    /// µs to 250 µs ticks, rounded to nearest, without overflow.
    static func roundedTicks(_ micros: Int64) -> Int64 {
        let quotient = micros / deltaUnitMicros
        let remainder = micros % deltaUnitMicros
        if remainder >= deltaUnitMicros / 2 { return quotient + 1 }
        if remainder <= -deltaUnitMicros / 2 { return quotient - 1 }
        return quotient
    }

    static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        let quotient = a / b
        return a % b < 0 ? quotient - 1 : quotient
    }
}
