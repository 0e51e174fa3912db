/// A `Range: bytes=…` request header, as RFC 9110 §14.1.2 defines it, for
/// one range (the only kind media players send).
enum ByteRange: Equatable {
    /// No usable Range header: send the whole file with 200. A header we do
    /// not understand, or several ranges, is ignored as §14.2 allows.
    case whole
    /// Send these bytes with 206 Partial Content.
    case partial(ClosedRange<Int>)
    /// No byte of the range exists: 416 with `Content-Range: bytes */size`.
    case unsatisfiable

    /// Resolves `header` against a file of `size` bytes.
    init(header: String?, size: Int) {
        guard let header else { self = .whole; return }
        let trimmed = header.trimmingCharacters(in: .whitespaces)
        guard trimmed.lowercased().hasPrefix("bytes=") else { self = .whole; return }
        let spec = trimmed.dropFirst(6).trimmingCharacters(in: .whitespaces)
        guard !spec.contains(","), let dash = spec.firstIndex(of: "-") else { self = .whole; return }
        let first = spec[..<dash].trimmingCharacters(in: .whitespaces)
        let last = spec[spec.index(after: dash)...].trimmingCharacters(in: .whitespaces)
        guard first.allSatisfy(\.isASCIIDigit), last.allSatisfy(\.isASCIIDigit), first.count <= 18, last.count <= 18 else {
            self = .whole
            return
        }
        switch (Int(first), Int(last)) {
        case (let start?, let end?):
            // §14.1.2: a last position below the first makes the header invalid (ignored).
            guard end >= start else { self = .whole; return }
            guard start < size else { self = .unsatisfiable; return }
            self = .partial(start...min(end, size - 1))
        case (let start?, nil):
            guard start < size else { self = .unsatisfiable; return }
            self = .partial(start...(size - 1))
        case (nil, let suffix?):
            // The last `suffix` bytes.
            guard suffix > 0, size > 0 else { self = .unsatisfiable; return }
            self = .partial(max(0, size - suffix)...(size - 1))
        case (nil, nil):
            self = .whole
        }
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
