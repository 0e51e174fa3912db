import Foundation

extension CompositeCommand {
    /// Writes the filter script. Every filter spans the whole composite and
    /// follows the layout through expressions of time (``Placement``):
    ///
    /// 1. one background for the whole duration, with a `drawbox` per distinct
    ///    tile rectangle, switched on while some tile occupies it;
    /// 2. each shown video track once: `fps`, `select` (only frames on screen),
    ///    `scale` into its tile (resized by `sendcmd` when the tile changes),
    ///    `overlay` at its tile;
    /// 3. a `drawtext` per distinct name label (text, style, size), placed
    ///    and switched per segment, on top of the video.
    ///
    /// So the graph grows with the number of people, not of segments. Two
    /// earlier designs grew with segments and failed on a 60 s, 12-person,
    /// 238-segment test: a trimmed copy of each track per segment (ffmpeg
    /// scans every filter for each step, so hundreds of copies took 8 minutes
    /// and 4 GB), and a still background per segment joined by `concat`
    /// (every finished segment keeps its frame buffers until the end: 6 GB).
    ///
    /// Pads are named from indexes only (`t2`, `c3`), so nothing from the
    /// manifest reaches the script except numbers; names go through files.
    struct GraphBuilder {
        let layout: CompositeLayout
        let duration: Double
        let workDirectory: URL
        let fontFile: String
        let cjkFontFile: String

        private var lines: [String] = []
        /// Shown video tracks and their input index, in input order.
        private var videoInputs: [(trackID: String, input: Int)] = []
        private var textFiles: [String: URL] = [:]
        /// Name texts and sendcmd scripts to write next to the filter script.
        private(set) var extraFiles: [WorkFile] = []
        private var audioPads: [String] = []

        static let canvasColor = "0x1b1b1f"
        static let tileColor = "0x2c2c33"
        static let screenColor = "0x000000"

        init(layout: CompositeLayout, duration: Double, workDirectory: URL, fontFile: String, cjkFontFile: String) {
            self.layout = layout
            self.duration = duration
            self.workDirectory = workDirectory
            self.fontFile = fontFile
            self.cjkFontFile = cjkFontFile
        }

        var script: String { lines.joined(separator: ";\n") + "\n" }

        mutating func addVideoInput(index: Int, trackID: String) {
            videoInputs.append((trackID, index))
        }

        /// Background, tracks and names, ending in `[vout]`.
        mutating func addCanvas() {
            addBackground()
            var current = "base"
            for (number, (trackID, input)) in videoInputs.enumerated() {
                var placement = Placement(frameRate: layout.frameRate)
                for segment in layout.segments {
                    guard let tile = segment.tiles.first(where: { $0.content.trackID == trackID }) else { continue }
                    placement.add(startFrame: segment.startFrame, endFrame: segment.endFrame, frame: tile.frame)
                }
                guard !placement.spans.isEmpty else { continue }
                let visible = placement.visible
                let x = placement.piecewise { "\($0.frame.x)+(\($0.frame.width)-overlay_w)/2" }
                let y = placement.piecewise { "\($0.frame.y)+(\($0.frame.height)-overlay_h)/2" }
                let pad = "t\(number)"
                let commands = workDirectory.appendingPathComponent("track-\(number).cmd")
                extraFiles.append(WorkFile(url: commands, contents: resizeCommands(placement, scaler: "scale@\(pad)")))
                let first = placement.spans[0].frame
                // fps first: every output frame then has a picture, even when the source sends
                // one every few seconds (a static shared screen) and the tile has just changed size.
                // The tile size is not an expression of t: scale rebuilds itself for every frame
                // when its size depends on time (2.7 times slower on the 12-person test).
                // sendcmd resizes it once at each change instead.
                lines.append("[\(input):v:0]fps=\(layout.frameRate)"
                    + ",sendcmd=f=\(FilterEscaping.optionValue(commands.path)),select='\(visible)'"
                    + ",scale@\(pad)=w=\(first.width):h=\(first.height)"
                    + ":force_original_aspect_ratio=decrease:force_divisible_by=2[\(pad)]")
                let next = "c\(number)"
                // Centred in the tile whatever size the picture came out (evaluated per frame).
                // After the track's last frame its tile shows the background (eof_action=pass).
                lines.append("[\(current)][\(pad)]overlay=x='\(x)':y='\(y)':enable='\(visible)'"
                    + ":eof_action=pass[\(next)]")
                current = next
            }
            let names = nameFilters()
            lines.append("[\(current)]" + (names.isEmpty ? "null" : names.joined(separator: ",")) + "[vout]")
        }

        /// sendcmd intervals that give `scaler` each span's tile size as the span begins.
        private func resizeCommands(_ placement: Placement, scaler: String) -> String {
            placement.spans.map { span in
                // Never negative: "-0.02-3.48" would not read as an interval.
                let from = FilterEscaping.seconds(max(0, (Double(span.startFrame) - 0.5) / Double(layout.frameRate)))
                let to = FilterEscaping.seconds((Double(span.endFrame) - 0.5) / Double(layout.frameRate))
                return "\(from)-\(to) [enter] \(scaler) w \(span.frame.width), [enter] \(scaler) h \(span.frame.height);\n"
            }.joined()
        }

        /// The canvas colour for every frame, and one `drawbox` per distinct tile.
        private mutating func addBackground() {
            let rate = layout.frameRate
            // Half a frame short: the source stops before that time, so exactly frameCount frames.
            let seconds = (Double(layout.frameCount) - 0.5) / Double(rate)
            var chain = "color=c=\(Self.canvasColor):s=\(layout.width)x\(layout.height):r=\(rate)"
                + ":d=\(FilterEscaping.seconds(seconds)),format=yuv420p"
            var boxes: [String: Placement] = [:]
            var order: [String] = []
            for segment in layout.segments {
                for tile in segment.tiles {
                    let frame = tile.frame
                    let color = tile.content.isScreen ? Self.screenColor : Self.tileColor
                    let key = "x=\(frame.x):y=\(frame.y):w=\(frame.width):h=\(frame.height):color=\(color)"
                    if boxes[key] == nil { order.append(key) }
                    boxes[key, default: Placement(frameRate: rate)]
                        .add(startFrame: segment.startFrame, endFrame: segment.endFrame, frame: frame)
                }
            }
            for key in order {
                guard let placement = boxes[key] else { continue }
                chain += ",drawbox=\(key):t=fill:enable='\(placement.visible)'"
            }
            lines.append(chain + "[base]")
        }

        /// One `drawtext` per distinct label, placed per segment. A label that
        /// shows twice in one segment (the same name on a camera and a screen
        /// share of the same size) gets a second filter, so each filter draws
        /// one place at a time.
        private mutating func nameFilters() -> [String] {
            var placements: [LabelKey: Placement] = [:]
            var order: [LabelKey] = []
            for segment in layout.segments {
                var seen: [Label: Int] = [:]
                for tile in segment.tiles {
                    for (label, place) in labels(for: tile) {
                        let key = LabelKey(label: label, copy: seen[label, default: 0])
                        seen[label, default: 0] += 1
                        if placements[key] == nil { order.append(key) }
                        placements[key, default: Placement(frameRate: layout.frameRate)]
                            .add(startFrame: segment.startFrame, endFrame: segment.endFrame, frame: place)
                    }
                }
            }
            return order.compactMap { key in
                guard let placement = placements[key] else { return nil }
                return drawtext(key.label, placement)
            }
        }

        private struct LabelKey: Hashable {
            var label: Label
            var copy: Int
        }

        private mutating func drawtext(_ label: Label, _ placement: Placement) -> String {
            let textFile = textFile(for: label.text)
            let y = placement.piecewise { "\($0.frame.y)+(\($0.frame.height)-text_h)/2" }
            let font = CompositeCommand.needsCJKFont(label.text) ? cjkFontFile : fontFile
            var filter = "drawtext=fontfile=\(FilterEscaping.optionValue(font))"
                + ":textfile=\(FilterEscaping.optionValue(textFile.path))"
                + ":expansion=none:fontsize=\(label.fontSize):y='\(y)'"
            switch label.style {
            case .corner:
                let border = max(2, label.fontSize * 3 / 10)
                let x = placement.piecewise { "\($0.frame.x + border)" }
                filter += ":x='\(x)':fontcolor=white:box=1:boxcolor=black@0.55:boxborderw=\(border)"
            case .center, .caption:
                let x = placement.piecewise { "\($0.frame.x)+(\($0.frame.width)-text_w)/2" }
                filter += ":x='\(x)':fontcolor=" + (label.style == .center ? "white" : "0xb4b4be")
            }
            return filter + ":enable='\(placement.visible)'"
        }

        /// The labels a tile carries and the strip each is centred in.
        private func labels(for tile: CompositeLayout.Tile) -> [(Label, CompositeLayout.Rect)] {
            let frame = tile.frame
            func label(_ text: String, _ style: Label.Style, _ size: Int) -> (Label, CompositeLayout.Rect) {
                let place = Label.placement(style: style, fontSize: size, in: frame)
                let fitted = CompositeCommand.fitted(text, width: place.width, fontSize: size)
                return (Label(text: fitted, style: style, fontSize: size, width: place.width, height: place.height), place)
            }
            switch tile.content {
            case .camera:
                let size = CompositeCommand.cornerFontSize(tileHeight: frame.height)
                return [label(CompositeCommand.drawableName(tile.displayName), .corner, size)]
            case .screen:
                // A share whose owner is not in the manifest goes unlabelled.
                guard !tile.displayName.isEmpty else { return [] }
                let size = CompositeCommand.cornerFontSize(tileHeight: frame.height / 2)
                return [label(CompositeCommand.drawableName(tile.displayName), .corner, size)]
            case .name:
                let size = CompositeCommand.centerFontSize(tileHeight: frame.height)
                var result = [label(CompositeCommand.drawableName(tile.displayName), .center, size)]
                if tile.isPhone {
                    result.append(label("phone", .caption, CompositeCommand.captionFontSize(nameSize: size)))
                }
                return result
            }
        }

        /// The work file holding `text` (one per distinct text).
        private mutating func textFile(for text: String) -> URL {
            if let url = textFiles[text] { return url }
            let url = workDirectory.appendingPathComponent("label-\(textFiles.count).txt")
            textFiles[text] = url
            extraFiles.append(WorkFile(url: url, contents: text))
            return url
        }

        /// One audio track: gaps and the time before its first block become
        /// silence (`async=1` fills or trims whenever the timestamps and the
        /// samples disagree by more than `min_hard_comp`, here 10 ms, less than
        /// one 20 ms Opus frame); muted outside its live spans.
        mutating func addAudioInput(index: Int, mutedSpans: [TimeSpan]) {
            let pad = "a\(audioPads.count)"
            var chain = "[\(index):a:0]aresample=async=1:min_hard_comp=0.010:first_pts=0"
                + ",aformat=sample_fmts=fltp:sample_rates=48000:channel_layouts=stereo"
            if !mutedSpans.isEmpty {
                let terms = mutedSpans.map { span -> String in
                    let start = "gte(t,\(FilterEscaping.seconds(span.start)))"
                    return span.end >= duration ? start : start + "*lt(t,\(FilterEscaping.seconds(span.end)))"
                }
                chain += ",volume=volume=0:enable='\(terms.joined(separator: "+"))'"
            }
            lines.append(chain + "[\(pad)]")
            audioPads.append(pad)
        }

        /// All tracks mixed at full level (no `1/n` scaling: one voice stays as
        /// loud as it was), then a look-ahead limiter so voices that add up past
        /// full scale are turned down for that moment instead of clipping
        /// (`latency=1` takes its 5 ms look-ahead back out, keeping lip sync);
        /// padded and cut to the duration; a silent track when there is no audio.
        mutating func addAudioMix() {
            let end = FilterEscaping.seconds(duration)
            switch audioPads.count {
            case 0:
                lines.append("anullsrc=r=48000:cl=stereo,atrim=end=\(end)[aout]")
            case 1:
                lines.append("[\(audioPads[0])]apad=whole_dur=\(end),atrim=end=\(end)[aout]")
            default:
                lines.append(audioPads.map { "[\($0)]" }.joined()
                    + "amix=inputs=\(audioPads.count):normalize=0:dropout_transition=0:duration=longest"
                    + ",alimiter=limit=0.9:attack=5:release=50:level=0:latency=1"
                    + ",apad=whole_dur=\(end),atrim=end=\(end)[aout]")
            }
        }
    }
}
