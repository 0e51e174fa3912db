extension RecordingManifest {
    /// Rebuilds what a recording captured from its timeline log and its
    /// track files — the same way after a normal stop and after a crash.
    ///
    /// - Parameters:
    ///   - timeline: the log's events, in order.
    ///   - extents: each track file's span on disk, by the file's relative path;
    ///     a track whose file holds no block is left out.
    ///   - stoppedAt: when the recording stopped; nil after a crash, when the
    ///     end is the last thing known to have happened.
    public init(timeline: [TimelineEvent], extents: [String: TrackExtent], stoppedAt: Double? = nil) {
        let lastEvent = timeline.map(\.at).max() ?? 0
        let lastBlock = extents.values.map(\.end).max() ?? 0
        let stop = timeline.last { $0.event == .stopped }?.at
        let duration = max(stoppedAt ?? stop ?? max(lastEvent, lastBlock), 0)

        var participants: [RecordedParticipant] = []
        var participantIndex: [String: Int] = [:]
        var tracks: [RecordedTrack] = []
        var trackIndex: [String: Int] = [:]
        /// Producer → when its current live span began.
        var liveSince: [String: Double] = [:]
        /// Participant → when their current stay began.
        var presentSince: [String: Double] = [:]

        func endLive(_ producer: String, at time: Double) {
            guard let since = liveSince.removeValue(forKey: producer), let i = trackIndex[producer] else { return }
            tracks[i].live.append(TimeSpan(start: since, end: time))
        }

        for event in timeline where event.at <= duration {
            switch event.event {
            case .joined:
                guard let id = event.participant else { continue }
                if participantIndex[id] == nil {
                    participantIndex[id] = participants.count
                    participants.append(RecordedParticipant(id: id, displayName: event.name ?? "", role: event.role ?? "participant", present: []))
                }
                if presentSince[id] == nil { presentSince[id] = event.at }
            case .left:
                guard let id = event.participant else { continue }
                if let since = presentSince.removeValue(forKey: id), let i = participantIndex[id] {
                    participants[i].present.append(TimeSpan(start: since, end: event.at))
                }
                for track in tracks where track.participantID == id { endLive(track.id, at: event.at) }
            case .track:
                guard let producer = event.producer, let participant = event.participant, let file = event.file,
                      trackIndex[producer] == nil else { continue }
                trackIndex[producer] = tracks.count
                tracks.append(RecordedTrack(id: producer, participantID: participant, source: event.source ?? "",
                                            kind: event.kind ?? "audio", codec: event.codec ?? "", file: file,
                                            start: event.at, live: []))
            case .live:
                guard let producer = event.producer, trackIndex[producer] != nil, liveSince[producer] == nil else { continue }
                liveSince[producer] = event.at
            case .muted, .trackEnded:
                guard let producer = event.producer else { continue }
                endLive(producer, at: event.at)
            case .started, .loss, .stopped:
                continue
            }
        }
        for producer in Array(liveSince.keys) { endLive(producer, at: duration) }
        for (id, since) in presentSince {
            if let i = participantIndex[id] { participants[i].present.append(TimeSpan(start: since, end: duration)) }
        }

        // What the files hold decides: a span is only live where blocks exist.
        tracks = tracks.compactMap { track in
            guard let extent = extents[track.file], extent.end >= extent.start else { return nil }
            var track = track
            track.start = extent.start
            track.width = extent.width
            track.height = extent.height
            // Video holds its last frame until the next; audio blocks are 20 ms.
            let tail = track.kind == "video" ? 0.5 : 0.02
            let last = min(extent.end + tail, duration)
            track.live = track.live.compactMap { span in
                let clipped = TimeSpan(start: max(span.start, extent.start), end: min(span.end, last))
                return clipped.end > clipped.start ? clipped : nil
            }
            return track
        }
        self.init(duration: duration, participants: participants, tracks: tracks)
    }
}
