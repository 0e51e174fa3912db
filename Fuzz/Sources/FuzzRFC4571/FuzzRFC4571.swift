import FuzzSupport
import Framing

/// RFC4571Framer must split any byte stream into frames or stop with an
/// RFC4571FramingError, whatever the reads look like. The first input byte
/// picks the largest frame (a limit from a small table) and the read sizes;
/// the rest is the stream. Properties checked besides "no trap":
/// - feeding the stream in reads of any size gives the same frames and the
///   same error as feeding it at once;
/// - every frame is 1…limit bytes; the frames, framed again with
///   `RFC4571Framer.frame`, are exactly the stream's prefix they came from;
/// - without an error, the bytes left over are the unfinished frame, fewer
///   than 2 + limit; with one, the error names the LENGTH where the stream stopped;
/// - after an error nothing more comes out.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    let input = FuzzInput.bytes(data, size)
    let control = input[0]
    let stream = Array(input.dropFirst())
    let limits = [1, 2, 20, 1500, 2048, 65535]
    let limit = limits[Int(control & 0x07) % limits.count]

    // At once.
    var whole = RFC4571Framer(maximumFrameLength: limit)
    whole.append(stream)
    let (wholeFrames, wholeError) = drain(&whole)

    // In reads whose sizes come from the control byte and the input's hash.
    var chunked = RFC4571Framer(maximumFrameLength: limit)
    var frames: [[UInt8]] = []
    var error: RFC4571FramingError?
    var seed = FuzzInput.fnv1a(input)
    var offset = 0
    while offset < stream.count {
        seed = seed &* 1_103_515_245 &+ 12_345
        let step = control & 0x80 != 0 ? 1 : 1 + Int(seed >> 16) % 64
        let end = min(stream.count, offset + step)
        chunked.append(Array(stream[offset..<end]))
        offset = end
        let (more, failure) = drain(&chunked)
        frames += more
        if let failure { error = failure; break }
    }
    if error == nil, offset == stream.count {
        let (more, failure) = drain(&chunked)
        frames += more
        error = failure
    }
    FuzzInput.log("limit \(limit) frames \(frames.map(\.count)) error \(String(describing: error))")
    FuzzInput.check(frames == wholeFrames, "chunked \(frames.map(\.count)) vs whole \(wholeFrames.map(\.count))")
    FuzzInput.check(error == wholeError, "chunked error \(String(describing: error)) vs \(String(describing: wholeError))")

    // The frames are the stream's prefix, framed.
    var reframed: [UInt8] = []
    for frame in frames {
        FuzzInput.check((1...limit).contains(frame.count), "frame of \(frame.count) bytes, limit \(limit)")
        let again = frame.withUnsafeBytes { RFC4571Framer.frame($0) }
        FuzzInput.check(again != nil, "cannot frame \(frame.count) bytes")
        reframed += again ?? []
    }
    FuzzInput.check(stream.starts(with: reframed), "frames are not the stream's prefix")
    let rest = stream.count - reframed.count
    if let error {
        FuzzInput.check(rest >= 2, "error with \(rest) bytes left")
        let length = Int(stream[reframed.count]) << 8 | Int(stream[reframed.count + 1])
        switch error {
        case .emptyFrame: FuzzInput.check(length == 0, "empty frame error at LENGTH \(length)")
        case .oversized(let l, let m): FuzzInput.check(l == length && m == limit && length > limit, "oversized \(l)/\(m) at \(length)")
        }
        FuzzInput.check(whole.failure == error, "failure not kept")
        whole.append([0, 1, 0])
        FuzzInput.check((try? whole.nextFrame()) == nil, "a frame after an error")
    } else {
        FuzzInput.check(whole.bufferedByteCount == rest && rest < 2 + limit, "left \(whole.bufferedByteCount), expected \(rest)")
        FuzzInput.check(chunked.bufferedByteCount == rest, "chunked left \(chunked.bufferedByteCount), expected \(rest)")
    }
    return 0
}

/// Every frame the framer gives now, and the error that stopped it.
func drain(_ framer: inout RFC4571Framer) -> ([[UInt8]], RFC4571FramingError?) {
    var frames: [[UInt8]] = []
    while true {
        do throws(RFC4571FramingError) {
            guard let frame = try framer.nextFrame() else { return (frames, nil) }
            frames.append(Array(frame))
        } catch {
            return (frames, error)
        }
    }
}

/// The entry point; see FuzzDriver for why a fuzz target needs one.
@main
enum Main {
    static func main() {
        FuzzDriver.run { data, size in fuzz(data ?? FuzzDriver.empty, size) }
    }
}
