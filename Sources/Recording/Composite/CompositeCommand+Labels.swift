import Foundation

extension CompositeCommand {
    /// A name as one `drawtext` draws it: text, style, size, and the size of
    /// the strip it is centred in (labels that differ in any of these are
    /// drawn by different filters).
    struct Label: Hashable {
        enum Style: Hashable {
            /// Bottom-left of a camera or screen tile: white on a dark box.
            case corner
            /// The middle of a name tile: large white text.
            case center
            /// Under the name on a phone caller's tile: small grey text.
            case caption
        }

        var text: String
        var style: Style
        var fontSize: Int
        var width: Int
        var height: Int

        /// The strip inside `tile` a label of `style` is centred in.
        static func placement(style: Style, fontSize: Int, in tile: CompositeLayout.Rect) -> CompositeLayout.Rect {
            let height = min(tile.height, (fontSize * 9 / 5 + 1) & ~1)
            let width = max(2, (tile.width - 8) & ~1)
            let x = tile.x + 4
            switch style {
            case .corner:
                return .init(x: x, y: tile.y + tile.height - height - 4, width: width, height: height)
            case .center:
                return .init(x: x, y: tile.midY - height / 2, width: width, height: height)
            case .caption:
                return .init(x: x, y: tile.midY + fontSize * 2, width: width, height: height)
            }
        }
    }

    /// Font size of the corner name for a tile of `height` pixels.
    static func cornerFontSize(tileHeight height: Int) -> Int { min(26, max(12, height / 16)) }
    /// Font size of a name tile's centred name.
    static func centerFontSize(tileHeight height: Int) -> Int { min(48, max(14, height / 8)) }
    /// Font size of the "phone" caption under a centred name of `nameSize`.
    static func captionFontSize(nameSize: Int) -> Int { max(11, nameSize / 2) }

    /// A display name made safe to draw on one line: control characters
    /// (newlines, tabs) and line separators become spaces, runs of white space
    /// collapse, and an empty name becomes "Participant".
    static func drawableName(_ name: String) -> String {
        var result = ""
        var pendingSpace = false
        for scalar in name.unicodeScalars {
            let isSpace = scalar.properties.generalCategory == .control
                || scalar.properties.isWhitespace
                || scalar.properties.generalCategory == .lineSeparator
                || scalar.properties.generalCategory == .paragraphSeparator
            if isSpace {
                pendingSpace = !result.isEmpty
                continue
            }
            if pendingSpace { result.unicodeScalars.append(" ") }
            pendingSpace = false
            result.unicodeScalars.append(scalar)
        }
        return result.isEmpty ? "Participant" : result
    }

    /// Whether `text` has characters DejaVu Sans cannot draw but the CJK font
    /// can: Hangul Jamo and syllables, CJK radicals, punctuation, kana and
    /// ideographs, compatibility ideographs, and full-width forms.
    static func needsCJKFont(_ text: String) -> Bool {
        text.unicodeScalars.contains { scalar in
            switch scalar.value {
            case 0x1100...0x11FF, 0x2E80...0x9FFF, 0xA960...0xA97F, 0xAC00...0xD7FF, 0xF900...0xFAFF,
                 0xFE30...0xFE4F, 0xFF00...0xFFEF: true
            default: false
            }
        }
    }

    /// `text` cut to about what fits `width` pixels at `fontSize`, with an
    /// ellipsis: DejaVu Sans letters average under 0.62 em; other scripts and
    /// emoji are counted as a full em. drawtext does not clip, so an estimate
    /// that errs wide keeps a name inside its tile.
    static func fitted(_ text: String, width: Int, fontSize: Int) -> String {
        let available = Double(width - fontSize) / Double(max(1, fontSize))
        func ems(_ character: Character) -> Double { character.isASCII ? 0.62 : 1.0 }
        guard text.reduce(0, { $0 + ems($1) }) > available else { return text }
        var used = ems("…")
        var result = ""
        for character in text {
            used += ems(character)
            if used > available { break }
            result.append(character)
        }
        return (result.isEmpty ? String(text.prefix(1)) : result) + "…"
    }
}
