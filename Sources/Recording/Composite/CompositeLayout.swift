import Foundation

/// What the composite video shows and when: the canvas split into segments
/// (spans of the timeline where nothing on screen changes), each with its tiles.
///
/// Pure value, computed from a ``RecordingManifest``. Segment boundaries are
/// snapped to the output frame grid, so every segment is a whole number of
/// frames: that keeps the compositor's per-segment canvases exactly on the
/// timeline when they are joined, and merges away anything shorter than a frame.
public struct CompositeLayout: Sendable, Equatable {
    /// Canvas width in pixels.
    public var width: Int
    /// Canvas height in pixels.
    public var height: Int
    /// Output frames per second.
    public var frameRate: Int
    /// Frames in the whole composite (`duration` rounded to the frame grid).
    public var frameCount: Int
    /// The manifest's duration, seconds.
    public var duration: Double
    /// Consecutive, non-empty spans covering frames `0..<frameCount`.
    public var segments: [Segment]

    /// Most tiles a grid shows; later participants are left out.
    public static let maximumGridTiles = 16
    /// Share of the canvas width the screen takes while someone shares.
    public static let screenShareWidthFraction = 0.8
    /// Gap around each tile, pixels.
    public static let tileInset = 4

    /// Lays out `manifest` on a `width`×`height` canvas at `frameRate`.
    ///
    /// Manifest values are not trusted: non-finite or negative times are
    /// ignored, spans are clipped to the recording, unknown participants'
    /// cameras are skipped. A duration that is not positive gives no segments.
    public init(manifest: RecordingManifest, width: Int = 1280, height: Int = 720, frameRate: Int = 25) {
        self.width = max(2, width & ~1)
        self.height = max(2, height & ~1)
        self.frameRate = max(1, frameRate)
        let duration = manifest.duration.isFinite ? max(0, manifest.duration) : 0
        self.duration = duration
        let total = Self.frameIndex(duration, frameRate: self.frameRate, limit: Int.max / 4)
        let frameCount = duration > 0 ? max(1, total) : 0
        self.frameCount = frameCount
        self.segments = []
        guard frameCount > 0 else { return }

        let timeline = Timeline(manifest: manifest, frameRate: self.frameRate, frameCount: frameCount)
        var result: [Segment] = []
        let bounds = timeline.boundaries
        for (start, end) in zip(bounds, bounds.dropFirst()) where end > start {
            let tiles = arrangeTiles(timeline.state(at: start))
            if var last = result.last, last.tiles == tiles {
                // Nothing visible changed (say, a microphone-only event): one segment.
                last.endFrame = end
                last.end = Double(end) / Double(self.frameRate)
                result[result.count - 1] = last
            } else {
                result.append(Segment(startFrame: start, endFrame: end, frameRate: self.frameRate, tiles: tiles))
            }
        }
        self.segments = result
    }

    /// The frame nearest to `seconds`, clamped to `0...limit`.
    static func frameIndex(_ seconds: Double, frameRate: Int, limit: Int) -> Int {
        guard seconds.isFinite, seconds > 0 else { return 0 }
        let frames = (seconds * Double(frameRate)).rounded()
        guard frames < Double(limit) else { return limit }
        return Int(frames)
    }
}

extension CompositeLayout {
    /// One span of the timeline where the same tiles are shown.
    public struct Segment: Sendable, Equatable {
        /// First frame of the segment.
        public var startFrame: Int
        /// First frame after the segment.
        public var endFrame: Int
        /// `startFrame` in seconds.
        public var start: Double
        /// `endFrame` in seconds.
        public var end: Double
        /// Tiles, drawn in order.
        public var tiles: [Tile]

        public init(startFrame: Int, endFrame: Int, frameRate: Int, tiles: [Tile]) {
            self.startFrame = startFrame
            self.endFrame = endFrame
            self.start = Double(startFrame) / Double(frameRate)
            self.end = Double(endFrame) / Double(frameRate)
            self.tiles = tiles
        }

        /// Frames in the segment.
        public var frameCount: Int { endFrame - startFrame }
        /// Whether a screen share is on screen.
        public var showsScreen: Bool { tiles.contains { $0.content.isScreen } }
    }

    /// A rectangle on the canvas, pixels (even values, for 4:2:0 chroma).
    public struct Rect: Sendable, Equatable, CustomStringConvertible {
        public var x: Int
        public var y: Int
        public var width: Int
        public var height: Int

        public init(x: Int, y: Int, width: Int, height: Int) {
            self.x = x
            self.y = y
            self.width = width
            self.height = height
        }

        public var midX: Int { x + width / 2 }
        public var midY: Int { y + height / 2 }

        public func intersects(_ other: Rect) -> Bool {
            x < other.x + other.width && other.x < x + width && y < other.y + other.height && other.y < y + height
        }

        public var description: String { "\(width)x\(height)+\(x)+\(y)" }
    }

    /// One participant's place on the canvas in a segment.
    public struct Tile: Sendable, Equatable {
        /// What the tile shows.
        public enum Content: Sendable, Equatable {
            /// The participant's camera track (by track id), scaled to fit.
            case camera(trackID: String)
            /// A screen share track (by track id), scaled to fit.
            case screen(trackID: String)
            /// No video: a dark tile with the participant's name.
            case name

            public var isScreen: Bool {
                if case .screen = self { return true }
                return false
            }

            /// The video track shown, if any.
            public var trackID: String? {
                switch self {
                case .camera(let id), .screen(let id): id
                case .name: nil
                }
            }
        }

        public var participantID: String
        /// As in the manifest; the compositor writes it to a file, never into a filter.
        public var displayName: String
        /// A phone caller (role `phone`): the name tile gets a small "phone" label.
        public var isPhone: Bool
        public var content: Content
        public var frame: Rect

        public init(participantID: String, displayName: String, isPhone: Bool, content: Content, frame: Rect) {
            self.participantID = participantID
            self.displayName = displayName
            self.isPhone = isPhone
            self.content = content
            self.frame = frame
        }
    }
}
