import Foundation

extension CompositeCommand {
    /// Where one thing (a track's picture, a tile box, a name) is on screen
    /// over the whole composite, written as ffmpeg expressions of the frame
    /// time `t`, so one filter serves every segment.
    ///
    /// Expressions are flat sums of `value*gte(t,a)*lt(t,b)` terms rather than
    /// nested `if`s: ffmpeg's expression parser allows only about 100 levels
    /// of nesting, and a long meeting has more segments than that. Window
    /// edges sit half a frame before each segment's first frame, so a frame
    /// time that is not exactly representable still falls on the right side.
    struct Placement {
        /// Frames `startFrame..<endFrame` where the thing fills `frame`.
        struct Span: Equatable {
            var startFrame: Int
            var endFrame: Int
            var frame: CompositeLayout.Rect
        }

        let frameRate: Int
        /// In time order, adjacent spans with the same rectangle merged.
        private(set) var spans: [Span] = []

        init(frameRate: Int) {
            self.frameRate = frameRate
        }

        /// Adds `frame` for `startFrame..<endFrame` (spans must come in time order).
        mutating func add(startFrame: Int, endFrame: Int, frame: CompositeLayout.Rect) {
            if let last = spans.last, last.endFrame == startFrame, last.frame == frame {
                spans[spans.count - 1].endFrame = endFrame
            } else {
                spans.append(Span(startFrame: startFrame, endFrame: endFrame, frame: frame))
            }
        }

        /// 1 while frame time `t` is in `start..<end` (frames), else 0.
        private func window(_ start: Int, _ end: Int) -> String {
            let from = FilterEscaping.seconds((Double(start) - 0.5) / Double(frameRate))
            let to = FilterEscaping.seconds((Double(end) - 0.5) / Double(frameRate))
            return "gte(t,\(from))*lt(t,\(to))"
        }

        /// 1 while on screen, else 0.
        var visible: String {
            var runs: [(Int, Int)] = []
            for span in spans {
                if let last = runs.last, last.1 == span.startFrame {
                    runs[runs.count - 1].1 = span.endFrame
                } else {
                    runs.append((span.startFrame, span.endFrame))
                }
            }
            return runs.map { window($0.0, $0.1) }.joined(separator: "+")
        }

        /// `value(span)` during each span, 0 elsewhere (where the filter is off anyway).
        func piecewise(_ value: (Span) -> String) -> String {
            spans.map { "(\(value($0)))*\(window($0.startFrame, $0.endFrame))" }.joined(separator: "+")
        }
    }
}
