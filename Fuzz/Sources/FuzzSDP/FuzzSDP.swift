import FuzzSupport
import SDP

/// SessionDescription(parsing:) must return a value or throw its typed error for
/// any text, with a line number inside the text; what parses must write and
/// parse back to the same value; and the WebRTC negotiation must handle
/// whatever parses without trapping, producing answers and offers that parse.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = FuzzInput.text(data, size)
    let lineCount = text.utf8.reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
    let parsed: SessionDescription
    do {
        parsed = try SessionDescription(parsing: text)
    } catch {
        FuzzInput.log("SDP error: \(error)")
        FuzzInput.check((1...lineCount).contains(error.line), "error on line \(error.line) of \(lineCount)")
        checkBytesAgree(data, size, text: text, expected: .failure(error))
        return 0
    }
    checkBytesAgree(data, size, text: text, expected: .success(parsed))
    checkRoundTrip(parsed)
    checkAccessors(parsed)
    checkPublishAnswer(parsed)
    checkSubscribe(parsed)
    return 0
}

/// The byte entry point agrees with the text one when the input is valid UTF-8.
func checkBytesAgree(_ data: UnsafePointer<UInt8>, _ size: Int, text: String,
                     expected: Result<SessionDescription, SDPParseError>) {
    guard text.utf8.count == size else { return }
    let fromBytes = Result { () throws(SDPParseError) in try SessionDescription(parsing: FuzzInput.bytes(data, size)) }
    FuzzInput.check(fromBytes == expected, "bytes and text parse differently")
}

/// serialized parses back to the same value and is a fixed point.
func checkRoundTrip(_ parsed: SessionDescription) {
    let written = parsed.serialized
    // An LF-only description just under the size limit can pass it once written
    // with CRLF; that is the limit working, not a round-trip failure.
    guard written.utf8.count <= SessionDescription.maximumSize else { return }
    do {
        let again = try SessionDescription(parsing: written)
        FuzzInput.check(again == parsed, "re-parse differs:\n\(written)")
        FuzzInput.check(again.serialized == written, "serialisation is not a fixed point")
    } catch {
        FuzzInput.check(false, "serialised description does not parse: \(error)\n\(written)")
    }
}

/// The parser validated every attribute the accessors read, so none is dropped.
func checkAccessors(_ parsed: SessionDescription) {
    _ = (parsed.bundleMids, parsed.isICELite, parsed.fingerprint, parsed.direction)
    FuzzInput.check(parsed.groups.count == parsed.attributes.filter { $0.name == "group" }.count, "group dropped")
    for section in parsed.media {
        func count(_ name: String) -> Int { section.attributes.filter { $0.name == name }.count }
        FuzzInput.check(section.headerExtensions.count == count("extmap"), "extmap dropped")
        FuzzInput.check(section.ssrcAttributes.count == count("ssrc"), "ssrc dropped")
        FuzzInput.check(section.ssrcGroups.count == count("ssrc-group"), "ssrc-group dropped")
        FuzzInput.check(section.rids.count == count("rid"), "rid dropped")
        FuzzInput.check(section.fingerprints.count == count("fingerprint"), "fingerprint dropped")
        FuzzInput.check((section.simulcast == nil) == (count("simulcast") == 0), "simulcast dropped")
        FuzzInput.check((section.msid == nil) == (count("msid") == 0), "msid dropped")
        let codecs = section.codecs
        FuzzInput.check(codecs.count <= section.formats.count, "more codecs than formats")
        for codec in codecs {
            FuzzInput.check(codec.payloadType <= 127 && codec.clockRate > 0, "bad codec \(codec)")
            _ = (codec.formatParameters, codec.associatedPayloadType)
        }
        _ = (section.mid, section.direction, section.cname, section.ssrcs, section.ssrcMSID, parsed.direction(of: section))
    }
}

let transport = TransportParameters(
    iceUfrag: "fuzz", icePassword: "fuzzPasswordfuzzPassword",
    fingerprint: Fingerprint(algorithm: "sha-256", bytes: Array(repeating: 0xAB, count: 32)),
    candidates: [Candidate(ip: "192.0.2.1", port: 40000)])

/// answerPublishOffer either throws its typed error or answers with the same
/// m-lines, a BUNDLE of exactly the accepted ones, and text that parses back.
func checkPublishAnswer(_ offer: SessionDescription) {
    for preferH264 in [false, true] {
        var capabilities = MediaCapabilities.parley
        capabilities.preferH264 = preferH264
        let negotiation: PublishNegotiation
        do {
            negotiation = try WebRTCNegotiation.answerPublishOffer(offer, capabilities: capabilities, transport: transport)
        } catch {
            FuzzInput.log("publish: \(error)")
            continue
        }
        let answer = negotiation.answer
        FuzzInput.check(answer.media.count == offer.media.count, "answer m-line count")
        let accepted = answer.media.filter { !$0.isRejected }.compactMap(\.mid)
        FuzzInput.check(Set(answer.bundleMids) == Set(accepted) && !accepted.isEmpty, "BUNDLE \(answer.bundleMids) vs \(accepted)")
        for track in negotiation.tracks {
            guard let section = offer.media(mid: track.mid) else {
                FuzzInput.check(false, "track \(track.mid) has no offered m-line")
                continue
            }
            FuzzInput.check(section.formats.contains(String(track.codec.payloadType)) ||
                            section.codecs.contains { $0.payloadType == track.codec.payloadType },
                            "track codec \(track.codec.payloadType) not offered")
        }
        let written = answer.serialized
        guard written.utf8.count <= SessionDescription.maximumSize else { continue }
        do {
            FuzzInput.check(try SessionDescription(parsing: written) == answer, "answer re-parse differs:\n\(written)")
        } catch {
            FuzzInput.check(false, "answer does not parse: \(error)\n\(written)")
        }
    }
}

/// Slots built from whatever parsed: makeSubscribeOffer's output parses back
/// equal, and readSubscribeAnswer reads the parsed description without trapping.
func checkSubscribe(_ parsed: SessionDescription) {
    var slots: [SubscribeSlot] = []
    for (index, section) in parsed.media.enumerated() {
        guard let kind = MediaKind(rawValue: section.kind) else { continue }
        let codec = section.codecs.first { !$0.isRTX }
            ?? RTPCodecParameters(payloadType: 111, name: "opus", clockRate: 48000, channels: 2)
        let msid = section.msid ?? MediaStreamID(stream: "s\(index)", track: "t\(index)")
        slots.append(SubscribeSlot(mid: section.mid ?? "m\(index)", kind: kind, active: section.direction != .inactive,
                                   codec: codec, rtxPayloadType: section.codecs.first { $0.isRTX }?.payloadType,
                                   ssrc: section.ssrcs.first ?? UInt32(index), rtxSSRC: section.ssrcs.dropFirst().first,
                                   streamID: msid.stream, trackID: msid.track.isEmpty ? "t" : msid.track,
                                   cname: section.cname ?? "c"))
    }
    do {
        let offer = try WebRTCNegotiation.makeSubscribeOffer(slots: slots, transport: transport, sessionID: 1, sessionVersion: 1)
        let written = offer.serialized
        if written.utf8.count <= SessionDescription.maximumSize {
            do {
                FuzzInput.check(try SessionDescription(parsing: written) == offer, "subscribe offer re-parse differs:\n\(written)")
            } catch {
                FuzzInput.check(false, "subscribe offer does not parse: \(error)\n\(written)")
            }
        }
    } catch {
        FuzzInput.log("subscribe offer: \(error)")
    }
    if slots.count == parsed.media.count {
        do {
            let answer = try WebRTCNegotiation.readSubscribeAnswer(parsed, offered: slots)
            FuzzInput.check(answer.receivingMids.isSubset(of: answer.acceptedMids), "receiving but not accepted")
        } catch {
            FuzzInput.log("subscribe answer: \(error)")
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
