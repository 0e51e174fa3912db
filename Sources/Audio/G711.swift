import CSpanDSP

/// G.711 companding (ITU-T G.711) through spandsp's bit-exact routines.
///
/// Stateless: one byte per sample, 8 kHz. Works on whole buffers so the
/// per-sample loop stays in C.
public enum G711 {
    /// The two G.711 laws.
    public enum Law: Sendable {
        /// µ-law (PCMU, payload type 0).
        case ulaw
        /// A-law (PCMA, payload type 8).
        case alaw
    }

    /// Encodes linear samples to `law`; `output` must be at least as long as `input`.
    public static func encode(_ input: UnsafeBufferPointer<Int16>, into output: UnsafeMutableBufferPointer<UInt8>, law: Law) {
        let n = Int32(min(input.count, output.count))
        guard n > 0, let src = input.baseAddress, let dst = output.baseAddress else { return }
        switch law {
        case .ulaw: parley_ulaw_encode(dst, src, n)
        case .alaw: parley_alaw_encode(dst, src, n)
        }
    }

    /// Decodes `law` bytes to linear samples; `output` must be at least as long as `input`.
    public static func decode(_ input: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableBufferPointer<Int16>, law: Law) {
        let n = Int32(min(input.count, output.count))
        guard n > 0, let src = input.baseAddress, let dst = output.baseAddress else { return }
        switch law {
        case .ulaw: parley_ulaw_decode(dst, src, n)
        case .alaw: parley_alaw_decode(dst, src, n)
        }
    }

    /// Convenience: encodes an array (allocates; use the buffer form per frame).
    public static func encode(_ samples: [Int16], law: Law) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: samples.count)
        samples.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { encode(src, into: $0, law: law) }
        }
        return out
    }

    /// Convenience: decodes an array (allocates; use the buffer form per frame).
    public static func decode(_ bytes: [UInt8], law: Law) -> [Int16] {
        var out = [Int16](repeating: 0, count: bytes.count)
        bytes.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { decode(src, into: $0, law: law) }
        }
        return out
    }
}
