import Audio
import NIOCore
import RTP
import SDP
import SFU

extension PhoneCall {
    /// Takes a (re-)negotiated media description: codec, keys, where to send;
    /// `cleaning` is what the caller's voice gets before the room hears it.
    func apply(_ negotiated: PhoneMedia, cleaning: VoiceCleaner.Settings? = nil) throws {
        let codecChanged = media?.codec != negotiated.codec
        let keysChanged = media?.srtp != negotiated.srtp
        // A re-INVITE that moves the phone's RTP (RFC 3264 §8.3.1) starts over:
        // send to the new place until packets show where it really is.
        let moved = media?.remoteAddress != negotiated.remoteAddress || media?.remotePort != negotiated.remotePort
        media = negotiated
        if codecChanged {
            guard let codec = VoiceCodec(rawValue: negotiated.codec.rawValue) else { throw AudioError.invalidPayload }
            // Before a room mixes it (and after it left one) the call runs at its codec's own rate.
            let rate = bridgedMeetingID == nil ? codec.sampleRate : mixRate
            decoder = try PhoneDecoder(codec: codec, cleaning: cleaning, outputRate: rate)
            encoder = try PhoneEncoder(codec: codec, inputRate: rate)
            try useMixRate(rate)
            jitter = JitterBuffer(configuration: .init(clockRate: codec.rtpClockRate))
            // Narrowband sources are encoded at complexity 1: 35-40 µs a
            // frame of speech instead of 83 at 5 (`make audio-bench` with
            // AUDIO_BENCH_SPEECH; 19 against 48 on its tone), and µ-law speech
            // scores the same PESQ either way (3.95 against 3.96 at 32 kb/s,
            // libopus through ffmpeg, the gateway benchmark's sentences).
            roomEncoder = try OpusEncoder(channels: 1, sampleRate: codec == .opus ? AudioFormat.sampleRate : codec.sampleRate,
                                          bitrate: 32_000, complexity: codec.sampleRate == 8_000 ? 1 : 5,
                                          expectedLossPercent: fec.percent)
            try? roomEncoder.limitBandwidth(toSourceRate: codec.sampleRate)
            // The packet a quiet caller sends: the new encoder's frame of silence.
            let zeros = [Int16](repeating: 0, count: AudioFormat.frameSamples(atRate: roomEncoder.sampleRate))
            silencePayload = (try? roomEncoder.encode(zeros)) ?? SilenceGate.emptyFrame
        }
        if keysChanged {
            if let srtp = negotiated.srtp {
                srtpIn = try SRTPSession(profile: .aes128CmSha1_80, keyAndSalt: srtp.remoteKey, direction: .inbound)
                srtpOut = try SRTPSession(profile: .aes128CmSha1_80, keyAndSalt: srtp.localKey, direction: .outbound)
            } else {
                srtpIn = nil
                srtpOut = nil
            }
        }
        if let address = try? SocketAddress(ipAddress: negotiated.remoteAddress, port: Int(negotiated.remotePort)),
           negotiated.remotePort != 0, !(negotiated.remoteAddress == "0.0.0.0") {
            if moved || remote == nil { remote = address; latched = false }
        }
        if inbandDTMF == nil { inbandDTMF = try? DTMFDetector(inputRate: mixRate) }
    }

    /// Meets the room at `rate` from now on: decoder, encoder, in-band DTMF
    /// and prompts convert to and from it, and the frames are resized.
    func useMixRate(_ rate: Int) throws {
        try decoder?.setOutputRate(rate)
        try encoder?.setInputRate(rate)
        guard rate != mixRate || input.count != AudioFormat.frameSamples(atRate: rate) else { return }
        mixRate = rate
        let samples = AudioFormat.frameSamples(atRate: rate)
        input = [Int16](repeating: 0, count: samples)
        output = [Int16](repeating: 0, count: samples)
        promptFrame = [Int16](repeating: 0, count: samples)
        hasInput = false
        promptResampler = rate == AudioFormat.sampleRate ? nil : try Resampler(from: AudioFormat.sampleRate, to: rate)
        if inbandDTMF != nil { inbandDTMF = try DTMFDetector(inputRate: rate) }
    }

    /// What one datagram on the call's RTP port brought.
    struct Receipt {
        /// Keys pressed (RFC 4733 events).
        var keys: [Character] = []
        /// Why the packet was dropped, for the metrics.
        var dropped: String?
        /// An RTP packet from the phone arrived (it is alive).
        var arrived = false
    }

    /// One datagram on the call's RTP port.
    func receiveRTP(_ packet: ByteBuffer, from address: SocketAddress, now: NIODeadline) -> Receipt {
        guard let media else { return Receipt(dropped: "no_media") }
        // RFC 3550 §8.2 leaves source checks to the receiver: accept the
        // address the SDP named, or the SIP peer's host (NAT), nothing else.
        let host = address.ipAddress ?? ""
        let expected = remote
        guard host == expected?.ipAddress || host == signalingHost else { return Receipt(dropped: "unexpected_source") }
        if !latched, address != expected {
            remote = address
        }
        latched = true
        var packet = packet
        if let srtpIn {
            do {
                let length = try packet.withUnsafeMutableReadableBytes { try srtpIn.unprotectRTP($0, length: $0.count) }
                packet.moveWriterIndex(to: packet.readerIndex + length)
            } catch {
                return Receipt(dropped: "srtp")
            }
        }
        return packet.withUnsafeReadableBytes { bytes -> Receipt in
            guard let header = try? RTPHeader(parsing: bytes) else { return Receipt(dropped: "malformed") }
            if (192...223).contains(bytes[1]) { return Receipt() }  // RTCP on the RTP port (rtcp-mux): ignored
            let payload = UnsafeRawBufferPointer(rebasing: bytes[header.payloadRange(packetLength: bytes.count)])
            if let pt = media.telephoneEventReceivePayloadType, header.payloadType == pt {
                sawTelephoneEvents = true
                let key = dtmf.receive(payload: payload, timestamp: header.timestamp)
                return Receipt(keys: key.map { [$0] } ?? [], arrived: true)
            }
            guard header.payloadType == media.receivePayloadType else { return Receipt(dropped: "payload_type", arrived: true) }
            guard !payload.isEmpty else { return Receipt(dropped: "empty", arrived: true) }
            jitter.insert(sequenceNumber: header.sequenceNumber, timestamp: header.timestamp, ssrc: header.ssrc,
                          payload: Array(payload), arrivalNanoseconds: now.uptimeNanoseconds)
            return Receipt(arrived: true)
        }
    }

    /// Every 20 ms: the caller's next frame into `input`. Returns keys heard
    /// in-band (only while the phone has not used RFC 4733 events, so a key is
    /// never counted twice).
    func pullInput() -> [Character] {
        hasInput = false
        passthrough = nil
        passthroughLost = nil
        guard let decoder else { return [] }
        let samples: Int
        do {
            switch jitter.pull() {
            case .frame(let packet):
                // An Opus phone's own packet goes to the room as it is (no
                // second encode); it is still decoded for the other callers' mix.
                if decoder.codec == .opus { passthrough = packet.payload }
                samples = try packet.payload.withUnsafeBufferPointer { p in
                    try input.withUnsafeMutableBufferPointer { try decoder.decode(p, into: $0) }
                }
            case .lost(_, let next):
                if decoder.codec == .opus { passthroughLost = next == nil ? .unknown : .known }
                // With the next packet in hand: Opus FEC (for the other callers'
                // mix; the room gets a gap, see `roomPacket`), or G.711/G.722
                // concealed from both sides.
                if let next {
                    samples = try next.payload.withUnsafeBufferPointer { p in
                        try input.withUnsafeMutableBufferPointer { try decoder.recover(next: p, into: $0) }
                    }
                } else {
                    samples = try input.withUnsafeMutableBufferPointer { try decoder.conceal(into: $0) }
                }
            case .silence:
                level = 127
                return []
            }
        } catch {
            level = 127
            return []
        }
        guard samples >= input.count else { return [] }
        hasInput = true
        level = input.withUnsafeBufferPointer { AudioLevel.level(of: $0) }
        // In-band detection costs a resample per frame: run it while the
        // caller types a code, or all along for a phone without RFC 4733.
        guard !sawTelephoneEvents, let detector = inbandDTMF,
              stage == .prompting || media?.telephoneEventReceivePayloadType == nil else { return [] }
        return Array(input.withUnsafeBufferPointer { detector.process($0) })
    }

    /// The caller's voice for the room: the input frame in Opus, in an RTP
    /// packet with the RFC 6464 level the room's speaker detection reads;
    /// while the caller is quiet, the silence packet, not encoded
    /// (`SilenceGate`); nothing while muted or without input.
    func roomPacket(allocator: ByteBufferAllocator) -> ByteBuffer? {
        guard stage == .inRoom, producerID != nil else { return nil }
        steerFEC()
        // RTP time runs with the clock whether or not a packet goes out
        // (RFC 3550 §5.1): a receiver sees a pause as a pause.
        defer { roomTimestamp &+= UInt32(AudioFormat.frameSamples) }
        guard hasInput, !muted else {
            roomGate.interrupted()
            sentNothing = true
            return nil
        }
        if let missing = passthroughLost {
            // An Opus phone's packet that never came is missing for the room
            // too, so each browser conceals it with its own decoder's state
            // (or rebuilds it from the next packet's FEC). A frame encoded
            // here would come from an encoder that has never heard this
            // caller (wideband PESQ at 3 % loss: 2.56, below the frames
            // zeroed, 2.66). When a later packet is in hand the loss is
            // certain: a gap in the sequence (RFC 3550 §6.4.1 counts it
            // lost; a receiver looks for FEC only then). Otherwise the phone
            // may have gone quiet (its DTX): nothing is sent, as for a pause.
            switch missing {
            case .known:
                roomSequence &+= 1
                gapsLeft += 1
            case .unknown:
                sentNothing = true
            }
            return nil
        }
        // The first packet after frames with none starts a talk spurt (RFC 3551 §4.1).
        let marker = sentNothing
        sentNothing = false
        let length: Int
        if let passthrough, passthrough.count <= opusScratch.count {
            // An Opus phone's own packet costs nothing to pass on (and it runs its own DTX).
            length = passthrough.count
            opusScratch.withUnsafeMutableBufferPointer { _ = $0.update(fromContentsOf: passthrough) }
            passedThrough += 1
        } else {
            switch roomGate.decide(level: level) {
            case .silence:
                gatedFrames += 1
                length = silencePayload.count
                opusScratch.withUnsafeMutableBufferPointer { _ = $0.update(fromContentsOf: silencePayload) }
            case .encode:
                reencoded += 1
                do {
                    if roomEncoder.sampleRate == mixRate {
                        length = try input.withUnsafeBufferPointer { pcm in
                            try opusScratch.withUnsafeMutableBufferPointer { try roomEncoder.encode(pcm, into: $0) }
                        }
                    } else {
                        // The decoder's own-rate frame, cleaned: what the input
                        // was resampled from for a mix wider than the codec.
                        guard let narrow = decoder?.narrowFrame else { return nil }
                        length = try opusScratch.withUnsafeMutableBufferPointer { try roomEncoder.encode(narrow, into: $0) }
                    }
                } catch { return nil }
            }
        }
        var buffer = allocator.buffer(capacity: 20 + length)
        RTPPacketWriting.write(into: &buffer, payloadType: GatewayEngine.roomOpus.payloadType, sequence: roomSequence,
                               timestamp: roomTimestamp, ssrc: roomSSRC, marker: marker,
                               audioLevel: AudioLevel(voiceActivity: level < 50, level: level))
        _ = opusScratch.withUnsafeBytes { buffer.writeBytes(UnsafeRawBufferPointer(rebasing: $0[0..<length])) }
        roomSequence &+= 1
        return buffer
    }

    /// Once a second: the room encoder's FEC follows what listeners lose (`FECSteering`).
    private func steerFEC() {
        ticksSinceFECCheck += 1
        guard ticksSinceFECCheck >= 50 else { return }
        ticksSinceFECCheck = 0
        if let percent = fec.report(downstreamLoss.latest) { try? roomEncoder.setExpectedLoss(percent: percent) }
    }

    /// Every 20 ms: what the caller hears (the room's mix for them, or a
    /// prompt, which speaks over the room) encoded and sent.
    func sendOutput(mix: UnsafeBufferPointer<Int16>?, allocator: ByteBufferAllocator) {
        guard let encoder, let channel, let remote, stage != .answering || player.isPlaying else { return }
        let playing = nextPromptFrame()
        output.withUnsafeMutableBufferPointer { out in
            out.update(repeating: 0)
            // The bridge mixes at this call's `mixRate`; a mismatch is silence, not a trap.
            if let mix, mix.count == out.count { _ = out.update(fromContentsOf: mix) }
            guard playing else { return }
            // The room ducks 12 dB under a prompt or tone.
            promptFrame.withUnsafeBufferPointer { prompt in
                for i in 0..<out.count { out[i] = AudioMixer.limit(Int32(out[i]) / 4 + Int32(prompt[i])) }
            }
        }
        let codec = encoder.codec
        defer {
            outSequence &+= 1
            outTimestamp &+= UInt32(codec.rtpTimestampsPerFrame)
        }
        // On hold (the phone said sendonly or inactive) it wants nothing from us.
        guard let media, media.remoteDirection.receives else { return }
        let length: Int
        do {
            length = try output.withUnsafeBufferPointer { pcm in
                try payloadScratch.withUnsafeMutableBufferPointer { try encoder.encode(pcm, into: $0) }
            }
        } catch { return }
        var buffer = allocator.buffer(capacity: 12 + length + SRTPSession.maximumOverhead)
        RTPPacketWriting.write(into: &buffer, payloadType: media.parameters.payloadType, sequence: outSequence,
                               timestamp: outTimestamp, ssrc: outSSRC, audioLevel: nil)
        _ = payloadScratch.withUnsafeBytes { buffer.writeBytes(UnsafeRawBufferPointer(rebasing: $0[0..<length])) }
        if let srtpOut {
            let plain = buffer.readableBytes
            buffer.writeRepeatingByte(0, count: SRTPSession.maximumOverhead)
            guard let protected = try? buffer.withUnsafeMutableReadableBytes({ try srtpOut.protectRTP($0, length: plain) }) else { return }
            buffer.moveWriterIndex(to: buffer.readerIndex + protected)
        }
        channel.write(AddressedEnvelope(remoteAddress: remote, data: buffer), promise: nil)
    }

    /// The prompt's next frame at `mixRate` into `promptFrame`; false when none plays.
    private func nextPromptFrame() -> Bool {
        guard let promptResampler else { return promptFrame.withUnsafeMutableBufferPointer { player.nextFrame(into: $0) } }
        guard widePromptFrame.withUnsafeMutableBufferPointer({ player.nextFrame(into: $0) }) else { return false }
        widePromptFrame.withUnsafeBufferPointer { wide in
            promptFrame.withUnsafeMutableBufferPointer { _ = promptResampler.process(wide, into: $0) }
        }
        return true
    }

    /// Queues a prompt or tone; `replacing` stops what plays first.
    func play(_ clip: [Int16], replacing: Bool = false) {
        if replacing { player.stop() }
        player.enqueue(clip)
    }
}
