import CSpanDSP

/// G.722 at 64 kb/s (ITU-T G.722) through spandsp: 16 kHz linear audio, two
/// samples per byte, so a 20 ms frame is 320 samples ⇄ 160 bytes.
///
/// One instance holds one encoder and one decoder (the two directions of a call);
/// the ADPCM state carries across frames, so never share an instance between calls.
public final class G722Codec {
    private let encoder: OpaquePointer
    private let decoder: OpaquePointer

    /// Creates a 64 kb/s encoder/decoder pair (16 kHz linear side).
    public init() throws(AudioError) {
        guard let enc = g722_encode_init(nil, 64_000, 0) else { throw .spandspInitFailed("g722_encode_init") }
        guard let dec = g722_decode_init(nil, 64_000, 0) else {
            g722_encode_free(enc)
            throw .spandspInitFailed("g722_decode_init")
        }
        encoder = enc
        decoder = dec
    }

    deinit {
        g722_encode_free(encoder)
        g722_decode_free(decoder)
    }

    /// Encodes 16 kHz samples; writes `input.count / 2` bytes and returns that count.
    @discardableResult
    public func encode(_ input: UnsafeBufferPointer<Int16>, into output: UnsafeMutableBufferPointer<UInt8>) -> Int {
        let n = min(input.count, output.count * 2)
        guard n > 0, let src = input.baseAddress, let dst = output.baseAddress else { return 0 }
        return Int(g722_encode(encoder, dst, src, Int32(n)))
    }

    /// Decodes G.722 bytes; writes `2 * input.count` samples and returns that count.
    @discardableResult
    public func decode(_ input: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableBufferPointer<Int16>) -> Int {
        let n = min(input.count, output.count / 2)
        guard n > 0, let src = input.baseAddress, let dst = output.baseAddress else { return 0 }
        return Int(g722_decode(decoder, dst, src, Int32(n)))
    }
}
