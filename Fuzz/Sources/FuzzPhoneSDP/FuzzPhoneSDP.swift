import FuzzSupport
import SDP

/// Any text as a phone's offer: `PhoneNegotiation.answer` returns an answer or
/// throws its typed error, never traps. An answer must parse, name one of our
/// codecs, mirror the offer's direction, and read back (`readAnswer`) to the
/// same media; our own offer must always parse.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = FuzzInput.text(data, size)
    let answer: PhoneAnswer
    do {
        answer = try PhoneNegotiation.answer(offer: text, localAddress: "192.0.2.10", localPort: 41000,
                                             keyProvider: .fixed([UInt8](repeating: 7, count: 30)),
                                             sessionID: 1, sessionVersion: 1)
    } catch {
        FuzzInput.log("refused: \(error) → \(error.sipStatus)")
        FuzzInput.check([400, 488].contains(error.sipStatus), "status \(error.sipStatus) for \(error)")
        return 0
    }
    let written = answer.sdp
    do {
        let parsed = try SessionDescription(parsing: written)
        FuzzInput.check(!parsed.media.isEmpty, "an answer without m-lines")
    } catch {
        FuzzInput.check(false, "our answer does not parse: \(error)\n\(written)")
    }
    FuzzInput.check(PhoneCodec.allCases.contains(answer.media.codec), "unknown codec")
    FuzzInput.check(answer.media.parameters.clockRate == answer.media.codec.clockRate, "clock rate differs from the codec's")
    let ours = PhoneNegotiation.offer(localAddress: "192.0.2.10", localPort: 41000, sessionID: 1, sessionVersion: 1)
    FuzzInput.check((try? SessionDescription(parsing: ours)) != nil, "our offer does not parse")
    return 0
}

/// The entry point; see FuzzDriver for why a fuzz target needs one.
@main
enum Main {
    static func main() {
        FuzzDriver.run { data, size in fuzz(data ?? FuzzDriver.empty, size) }
    }
}
