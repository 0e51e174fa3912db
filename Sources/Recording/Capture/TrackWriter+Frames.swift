extension TrackWriter {
    /// The codec's depacketizer (H.264's keeps the parameter sets it has seen).
    enum Depacketizer {
        case opus(OpusDepacketizer)
        case vp8(VP8Depacketizer)
        case h264(H264Depacketizer)

        init(_ codec: TrackCodec) {
            switch codec {
            case .opus: self = .opus(OpusDepacketizer())
            case .vp8: self = .vp8(VP8Depacketizer())
            case .h264: self = .h264(H264Depacketizer())
            }
        }

        mutating func frame(from payloads: [[UInt8]]) throws(DepacketizerError) -> DepacketizedFrame {
            switch self {
            case let .opus(opus):
                return try opus.frame(from: payloads)
            case let .vp8(vp8):
                return try vp8.frame(from: payloads)
            case var .h264(h264):
                defer { self = .h264(h264) }
                return try h264.frame(from: payloads)
            }
        }
    }

    /// Acts on what the assembler produced: counts losses, writes frames.
    func handle(_ outputs: [FrameAssembler.Output], into actions: inout [TrackWriterAction]) {
        for output in outputs {
            switch output {
            case let .loss(_, frames):
                framesDropped += frames
                // Any hole breaks the reference chain of the frames after it.
                if codec.isVideo { waitingForKeyframe = true }
            case let .frame(frame):
                write(frame, into: &actions)
            }
        }
    }

    private func write(_ assembled: FrameAssembler.Frame, into actions: inout [TrackWriterAction]) {
        // Every frame moves the timeline, written or not, so that the anchor is
        // the first frame's arrival.
        let time = timeline.time(rtpTimestamp: assembled.timestamp, arrival: assembled.arrival)
        let frame: DepacketizedFrame
        do {
            frame = try depacketizer.frame(from: assembled.payloads)
        } catch {
            framesDropped += 1
            if codec.isVideo { waitingForKeyframe = true }
            return
        }
        if codec.isVideo, waitingForKeyframe, !frame.isKeyframe {
            framesDropped += 1
            return
        }
        guard !failed else {
            framesDropped += 1
            return
        }
        do {
            if matroska.track == nil {
                guard let track = track(for: frame) else {
                    // An H.264 IDR without SPS/PPS seen: nothing to build the avcC from.
                    framesDropped += 1
                    return
                }
                try matroska.start(track: track)
            }
            let milliseconds = Int64((time * 1000).rounded())
            try matroska.write(frame: frame.data, timestamp: milliseconds, keyframe: frame.isKeyframe)
        } catch {
            failed = true
            framesDropped += 1
            actions.append(.writeFailed(error))
            return
        }
        if frame.isKeyframe { waitingForKeyframe = false }
        framesWritten += 1
        let written = Double(matroska.lastTimestamp ?? 0) / 1000
        if firstTimestamp == nil { firstTimestamp = written }
        lastTimestamp = written
    }

    /// The track header for the first frame written.
    private func track(for frame: DepacketizedFrame) -> MatroskaTrack? {
        switch depacketizer {
        case .opus:
            return .opus(options.opusHead)
        case .vp8:
            guard let width = frame.width, let height = frame.height else { return nil }
            self.width = width
            self.height = height
            return .vp8(width: width, height: height)
        case let .h264(h264):
            guard let configuration = h264.configuration, let parameters = h264.parameters else { return nil }
            width = parameters.width
            height = parameters.height
            return .h264(width: parameters.width, height: parameters.height, configuration: configuration)
        }
    }
}
