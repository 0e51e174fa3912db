import Foundation

/// 16-bit PCM WAV (RIFF) reading and writing, for prompts and tests.
///
/// Reads mono or stereo (stereo is averaged to mono) at any rate; `samples48k()`
/// converts to the internal format. Writes mono 16-bit PCM.
public struct WAVFile: Equatable, Sendable {
    /// Errors for malformed or unsupported files.
    public enum ParseError: Error, Equatable, Sendable {
        case notRIFFWAVE
        case truncated
        case missingChunk(String)
        case unsupportedFormat(formatTag: UInt16, bitsPerSample: UInt16, channels: UInt16)
        case unsupportedRate(Int)
    }

    /// Sample rate in Hz.
    public var sampleRate: Int
    /// Mono samples.
    public var samples: [Int16]

    /// Creates a file from mono samples.
    public init(sampleRate: Int, samples: [Int16]) {
        self.sampleRate = sampleRate
        self.samples = samples
    }

    /// Parses WAV bytes. Unknown chunks are skipped; a data size larger than the
    /// file (streaming writers leave 0xFFFFFFFF) is clipped to what is there.
    public init(bytes: [UInt8]) throws(ParseError) {
        guard bytes.count >= 12, Self.tag(bytes, 0) == "RIFF", Self.tag(bytes, 8) == "WAVE" else { throw .notRIFFWAVE }
        var offset = 12
        var format: (tag: UInt16, channels: UInt16, rate: UInt32, bits: UInt16)?
        var data: Range<Int>?
        while offset + 8 <= bytes.count {
            let id = Self.tag(bytes, offset)
            let size = Int(Self.u32(bytes, offset + 4))
            let body = offset + 8
            let end = min(bytes.count, body + size)
            if id == "fmt " {
                guard end - body >= 16 else { throw .truncated }
                var tag = Self.u16(bytes, body)
                // WAVE_FORMAT_EXTENSIBLE: the real tag is the first 2 bytes of the sub-format GUID.
                if tag == 0xFFFE, end - body >= 26 { tag = Self.u16(bytes, body + 24) }
                format = (tag, Self.u16(bytes, body + 2), Self.u32(bytes, body + 4), Self.u16(bytes, body + 14))
            } else if id == "data" {
                data = body..<end
                if format != nil { break }
            }
            // Chunks are padded to an even size (RIFF).
            let next = body + size + (size & 1)
            guard next > offset, size >= 0 else { break }
            offset = next
        }
        guard let format else { throw .missingChunk("fmt ") }
        guard let data else { throw .missingChunk("data") }
        guard format.tag == 1, format.bits == 16, format.channels == 1 || format.channels == 2 else {
            throw .unsupportedFormat(formatTag: format.tag, bitsPerSample: format.bits, channels: format.channels)
        }
        guard format.rate >= 1_000, format.rate <= 192_000 else { throw .unsupportedRate(Int(format.rate)) }
        let channels = Int(format.channels)
        let frames = (data.count / 2) / channels
        var out = [Int16](repeating: 0, count: frames)
        for i in 0..<frames {
            var sum = 0
            for c in 0..<channels { sum += Int(Int16(bitPattern: Self.u16(bytes, data.lowerBound + 2 * (i * channels + c)))) }
            out[i] = Int16(sum / channels)
        }
        sampleRate = Int(format.rate)
        samples = out
    }

    /// Reads and parses a file.
    public init(contentsOf url: URL) throws {
        let data = try Data(contentsOf: url)
        try self.init(bytes: [UInt8](data))
    }

    /// The samples converted to 48 kHz (the internal rate).
    public func samples48k() throws(AudioError) -> [Int16] {
        if sampleRate == AudioFormat.sampleRate { return samples }
        let resampler = try Resampler(from: sampleRate, to: AudioFormat.sampleRate)
        // Flush the filter's delay with trailing zeros so the clip's end is not cut.
        let tail = [Int16](repeating: 0, count: sampleRate / 100)
        var out = resampler.process(samples + tail)
        let expected = samples.count * AudioFormat.sampleRate / sampleRate
        if out.count > expected { out.removeLast(out.count - expected) }
        return out
    }

    /// The file's bytes: canonical 44-byte header, mono 16-bit PCM.
    public func encoded() -> [UInt8] {
        let dataBytes = samples.count * 2
        var b: [UInt8] = []
        b.reserveCapacity(44 + dataBytes)
        func put32(_ v: UInt32) { b.append(contentsOf: [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)]) }
        func put16(_ v: UInt16) { b.append(contentsOf: [UInt8(v & 0xFF), UInt8(v >> 8)]) }
        b.append(contentsOf: Array("RIFF".utf8)); put32(UInt32(36 + dataBytes))
        b.append(contentsOf: Array("WAVE".utf8))
        b.append(contentsOf: Array("fmt ".utf8)); put32(16)
        put16(1); put16(1); put32(UInt32(sampleRate)); put32(UInt32(sampleRate * 2)); put16(2); put16(16)
        b.append(contentsOf: Array("data".utf8)); put32(UInt32(dataBytes))
        for s in samples { put16(UInt16(bitPattern: s)) }
        return b
    }

    /// Writes the file.
    public func write(to url: URL) throws {
        try Data(encoded()).write(to: url)
    }

    private static func tag(_ b: [UInt8], _ o: Int) -> String {
        guard o + 4 <= b.count else { return "" }
        return String(decoding: b[o..<o + 4], as: UTF8.self)
    }

    private static func u16(_ b: [UInt8], _ o: Int) -> UInt16 {
        guard o + 2 <= b.count else { return 0 }
        return UInt16(b[o]) | UInt16(b[o + 1]) << 8
    }

    private static func u32(_ b: [UInt8], _ o: Int) -> UInt32 {
        guard o + 4 <= b.count else { return 0 }
        return UInt32(b[o]) | UInt32(b[o + 1]) << 8 | UInt32(b[o + 2]) << 16 | UInt32(b[o + 3]) << 24
    }
}
