import Foundation

extension CompositeLayout {
    /// Who and what is visible at one frame, before it is arranged into tiles.
    struct VisibleState: Equatable {
        struct Person: Equatable {
            var id: String
            var name: String
            var isPhone: Bool
            /// The live camera track, if any.
            var cameraTrackID: String?
        }

        struct Screen: Equatable {
            var trackID: String
            var ownerID: String
            /// The sharer's name, when the sharer is in the manifest.
            var ownerName: String
        }

        /// Present participants, in join order.
        var people: [Person]
        var screen: Screen?
    }

    /// The manifest's spans snapped to the frame grid, queried per frame.
    struct Timeline {
        /// Frames `start..<end`.
        struct FrameSpan {
            var start: Int
            var end: Int
            func contains(_ frame: Int) -> Bool { start <= frame && frame < end }
        }

        struct VideoTrack {
            var id: String
            var participantID: String
            var live: [FrameSpan]
        }

        struct Participant {
            var info: RecordedParticipant
            var present: [FrameSpan]
            var cameras: [VideoTrack]
        }

        var participants: [Participant]
        var screens: [VideoTrack]
        /// Sorted frames where something may change, including 0 and the end.
        var boundaries: [Int]

        init(manifest: RecordingManifest, frameRate: Int, frameCount: Int) {
            func snap(_ spans: [TimeSpan]) -> [FrameSpan] {
                spans.compactMap { span in
                    guard !span.start.isNaN, !span.end.isNaN else { return nil }
                    let start = span.start == .infinity
                        ? frameCount : CompositeLayout.frameIndex(span.start, frameRate: frameRate, limit: frameCount)
                    let end = span.end == .infinity
                        ? frameCount : CompositeLayout.frameIndex(span.end, frameRate: frameRate, limit: frameCount)
                    // Shorter than half a frame: never on screen.
                    return end > start ? FrameSpan(start: start, end: end) : nil
                }
            }

            var cameras: [String: [VideoTrack]] = [:]
            var screens: [VideoTrack] = []
            for track in manifest.tracks where track.kind == "video" {
                let video = VideoTrack(id: track.id, participantID: track.participantID, live: snap(track.live))
                guard !video.live.isEmpty else { continue }
                switch track.source {
                case "camera": cameras[track.participantID, default: []].append(video)
                case "screen": screens.append(video)
                default: continue
                }
            }
            participants = manifest.participants.map { info in
                Participant(info: info, present: snap(info.present), cameras: cameras[info.id] ?? [])
            }
            self.screens = screens

            var frames: Set<Int> = [0, frameCount]
            for participant in participants {
                for span in participant.present { frames.insert(span.start); frames.insert(span.end) }
                for camera in participant.cameras {
                    for span in camera.live { frames.insert(span.start); frames.insert(span.end) }
                }
            }
            for screen in screens {
                for span in screen.live { frames.insert(span.start); frames.insert(span.end) }
            }
            boundaries = frames.sorted()
        }

        /// Of `tracks` live at `frame`, the one whose current live span began last
        /// (the newest camera or share wins; ties go to the later track).
        private static func newest(_ tracks: [VideoTrack], at frame: Int) -> VideoTrack? {
            var best: (track: VideoTrack, since: Int)?
            for track in tracks {
                guard let span = track.live.last(where: { $0.contains(frame) }) else { continue }
                if best == nil || span.start >= best?.since ?? 0 {
                    best = (track, span.start)
                }
            }
            return best?.track
        }

        func state(at frame: Int) -> VisibleState {
            var people: [VisibleState.Person] = []
            for participant in participants where participant.present.contains(where: { $0.contains(frame) }) {
                people.append(VisibleState.Person(
                    id: participant.info.id,
                    name: participant.info.displayName,
                    isPhone: participant.info.participantRole == .phone,
                    cameraTrackID: Self.newest(participant.cameras, at: frame)?.id
                ))
            }
            var screen: VisibleState.Screen?
            if let track = Self.newest(screens, at: frame) {
                let owner = participants.first { $0.info.id == track.participantID }
                screen = VisibleState.Screen(
                    trackID: track.id, ownerID: track.participantID, ownerName: owner?.info.displayName ?? ""
                )
            }
            return VisibleState(people: people, screen: screen)
        }
    }
}
