import Foundation

/// The ffmpeg invocation that composites one recording into an MP4 (H.264 +
/// AAC): its argument list, its filter script, and the small files it reads
/// from a work directory (the filter script, display names, `sendcmd` scripts).
///
/// How the timeline is kept (each choice is checked by the end-to-end tests):
/// - `-copyts`: every track file's block timestamps already are recording
///   time, so ffmpeg keeps them instead of shifting each file to start at 0.
///   This trusts the files rather than the manifest's `start`, which only
///   restates them.
/// - Video: one background, each shown track scaled and overlaid once, one
///   `drawtext` per distinct name; the layout's segments only appear as
///   time windows in their expressions (see ``GraphBuilder``, which also
///   says why per-segment filters do not scale); `sendcmd` resizes a
///   track's `scale` when its tile changes. Not the obvious colour
///   background with a trimmed copy of every track per segment switched by
///   `enable='between(t,a,b)'`: an overlay waits for its stream's first
///   frame, so a camera that reappears in a late segment makes ffmpeg decode
///   and buffer everything up to that point (5.7 GB for a two-minute track).
/// - Each video track goes through `fps` first, so a tile that changes size
///   between two frames (a static screen share sends one every few seconds)
///   still gets a picture of the new size at once.
/// - Audio: `aresample=async=1:first_pts=0` turns gaps in a track's
///   timestamps (and the time before it started) into silence, so nothing
///   after a gap moves; outside the track's `live` spans it is muted, as the
///   manifest promises. `amix normalize=0` keeps every voice at full level.
///   No audio track at all still gives a silent AAC stream.
/// - Names are drawn with `drawtext textfile=… expansion=none`: user text
///   never enters the filter string, and `%{…}` in a name is not expanded.
///   One `drawtext` per distinct name and size keeps the number of font
///   instances small (each costs about 300 kB in ffmpeg).
public struct CompositeCommand: Sendable {
    /// The font Debian's `fonts-dejavu-core` installs.
    public static let defaultFontFile = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
    /// For names in Chinese, Japanese or Korean, which DejaVu Sans lacks
    /// (Debian's `fonts-wqy-microhei`: CJK, Hangul and kana, with Latin and
    /// Cyrillic too, so a mixed name draws whole).
    public static let defaultCJKFontFile = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"

    /// A file ffmpeg reads from the work directory.
    public struct WorkFile: Sendable, Equatable {
        public var url: URL
        public var contents: String
    }

    /// Encoder settings; the defaults are issue 5's.
    public struct Encoding: Sendable, Equatable {
        public var preset = "veryfast"
        public var crf = 23
        public var audioBitrate = "128k"
        /// ffmpeg threads for the encoder and the filter graph (decoders get one each).
        public var threads = 2
        public init() {}
    }

    /// The layout drawn.
    public let layout: CompositeLayout
    /// Every argument after the executable, the output path last.
    public let arguments: [String]
    /// The filter graph, passed with `-filter_complex_script`.
    public let filterScript: String
    /// Files to write before ffmpeg runs (filter script, name texts, sendcmd scripts).
    public let workFiles: [WorkFile]
    /// Track files ffmpeg opens, in input order.
    public let inputs: [Input]

    /// One track file ffmpeg opens.
    public struct Input: Sendable, Equatable {
        public var trackID: String
        public var url: URL
    }

    /// Builds the command for `manifest`, laid out as `layout`.
    ///
    /// - Parameters:
    ///   - recordingDirectory: where the manifest's relative `file` paths point.
    ///   - workDirectory: where the filter script and label texts will be written
    ///     (``writeWorkFiles()``); the caller creates and removes it.
    ///   - output: the file ffmpeg writes (an `.mp4`; any existing file is replaced).
    ///   - fontFile: a TrueType font for the names.
    ///   - cjkFontFile: the font for names with CJK or Hangul characters;
    ///     `fontFile` draws them too when this file does not exist (as boxes).
    public init(
        manifest: RecordingManifest,
        layout: CompositeLayout,
        recordingDirectory: URL,
        workDirectory: URL,
        output: URL,
        fontFile: String = CompositeCommand.defaultFontFile,
        cjkFontFile: String = CompositeCommand.defaultCJKFontFile,
        encoding: Encoding = Encoding()
    ) throws(CompositeError) {
        guard manifest.duration.isFinite, manifest.duration > 0, layout.frameCount > 0 else {
            throw .invalidDuration(manifest.duration)
        }
        self.layout = layout

        // Inputs: video tracks some tile shows, then audio tracks that are ever live.
        let shownVideo = Set(layout.segments.flatMap { $0.tiles.compactMap(\.content.trackID) })
        var videoInputs: [RecordedTrack] = []
        var audioInputs: [RecordedTrack] = []
        for track in manifest.tracks {
            if track.kind == "video", shownVideo.contains(track.id) {
                videoInputs.append(track)
            } else if track.kind == "audio", !Self.liveSpans(of: track, duration: manifest.duration).isEmpty {
                audioInputs.append(track)
            }
        }
        var files: [Input] = []
        for track in videoInputs + audioInputs {
            files.append(Input(trackID: track.id, url: try Self.resolve(track: track, in: recordingDirectory)))
        }
        inputs = files

        var builder = GraphBuilder(
            layout: layout, duration: manifest.duration, workDirectory: workDirectory, fontFile: fontFile,
            cjkFontFile: FileManager.default.fileExists(atPath: cjkFontFile) ? cjkFontFile : fontFile
        )
        for (index, track) in videoInputs.enumerated() {
            builder.addVideoInput(index: index, trackID: track.id)
        }
        builder.addCanvas()
        for (offset, track) in audioInputs.enumerated() {
            builder.addAudioInput(
                index: videoInputs.count + offset,
                mutedSpans: Self.mutedSpans(of: track, duration: manifest.duration)
            )
        }
        builder.addAudioMix()
        filterScript = builder.script
        let scriptURL = workDirectory.appendingPathComponent("filter.txt")
        workFiles = [WorkFile(url: scriptURL, contents: builder.script)] + builder.extraFiles

        var arguments = [
            "-hide_banner", "-nostdin", "-nostats", "-loglevel", "warning", "-progress", "pipe:1", "-y",
            "-filter_complex_threads", String(max(1, encoding.threads)),
            // Keep the files' block timestamps: they are the recording's timeline.
            "-copyts",
        ]
        for (index, file) in files.enumerated() {
            if index < videoInputs.count {
                // Cameras change resolution mid-stream (bandwidth adaptation); rebuilding
                // the whole graph would restart every source in it. scale copes per frame.
                arguments += ["-reinit_filter", "0"]
            }
            arguments += ["-threads", "1", "-i", "file:" + file.url.path]
        }
        arguments += [
            "-filter_complex_script", "file:" + scriptURL.path,
            "-map", "[vout]", "-map", "[aout]",
            "-c:v", "libx264", "-preset", encoding.preset, "-crf", String(encoding.crf),
            "-pix_fmt", "yuv420p", "-r", String(layout.frameRate),
            "-c:a", "aac", "-b:a", encoding.audioBitrate, "-ar", "48000", "-ac", "2",
            "-threads", String(max(1, encoding.threads)),
            "-t", FilterEscaping.seconds(manifest.duration),
            "-movflags", "+faststart", "-f", "mp4", "file:" + output.path,
        ]
        self.arguments = arguments
    }

    /// Writes ``workFiles`` (the work directory must exist).
    public func writeWorkFiles() throws(CompositeError) {
        for file in workFiles {
            do {
                try Data(file.contents.utf8).write(to: file.url)
            } catch {
                throw .fileSystem(operation: "write", path: file.url.path, reason: "\(error)")
            }
        }
    }

    /// The track's file inside `directory`; refuses absolute paths and `..`
    /// so a manifest cannot point ffmpeg elsewhere on the server.
    static func resolve(track: RecordedTrack, in directory: URL) throws(CompositeError) -> URL {
        let components = track.file.split(separator: "/", omittingEmptySubsequences: true)
        guard !track.file.hasPrefix("/"), !components.isEmpty,
              !components.contains(where: { $0 == ".." || $0 == "." }),
              !track.file.contains("\0")
        else {
            throw .invalidTrackPath(trackID: track.id, file: track.file)
        }
        return components.reduce(directory) { $0.appendingPathComponent(String($1)) }
    }

    /// The track's live spans clipped to the recording, sorted and merged.
    static func liveSpans(of track: RecordedTrack, duration: Double) -> [TimeSpan] {
        let clipped = track.live.compactMap { span -> TimeSpan? in
            guard !span.start.isNaN, !span.end.isNaN else { return nil }
            let start = max(0, span.start)
            let end = min(duration, span.end)
            return end > start ? TimeSpan(start: start, end: end) : nil
        }.sorted { $0.start < $1.start }
        var merged: [TimeSpan] = []
        for span in clipped {
            if let last = merged.last, span.start <= last.end {
                merged[merged.count - 1].end = max(last.end, span.end)
            } else {
                merged.append(span)
            }
        }
        return merged
    }

    /// The parts of `0...duration` outside the track's live spans (a millisecond
    /// of slack, so rounding in the manifest does not add clicks of silence).
    static func mutedSpans(of track: RecordedTrack, duration: Double) -> [TimeSpan] {
        var muted: [TimeSpan] = []
        var cursor = 0.0
        for span in liveSpans(of: track, duration: duration) {
            if span.start - cursor > 0.001 { muted.append(TimeSpan(start: cursor, end: span.start)) }
            cursor = span.end
        }
        if duration - cursor > 0.001 { muted.append(TimeSpan(start: cursor, end: duration)) }
        return muted
    }
}
