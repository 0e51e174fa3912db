import FuzzSupport
import ICE

/// STUNMessage(parsing:) must return a message or throw STUNParseError for any
/// bytes, and the integrity, fingerprint and demultiplexing helpers and the
/// ICE-lite agent must cope with anything. Properties checked besides "no trap":
/// - a parsed message serialises and parses back to the same message, with
///   MESSAGE-INTEGRITY and FINGERPRINT that verify;
/// - `localUsernameFragment` agrees with the full parse;
/// - every response the agent sends parses, carries the request's transaction
///   ID and a valid FINGERPRINT, and a re-signed valid check gets a success
///   response with XOR-MAPPED-ADDRESS = the source;
/// - the input as text, if it is an IP address, prints and parses back to itself.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let raw = UnsafeRawBufferPointer(start: data, count: size)
    let ufrag = "evtj"
    let password = Array("VOkJxbRl1RmTxUk/WvJxBt".utf8)
    let source = size % 2 == 0
        ? STUNAddress(ipv4: (192, 0, 2, 1), port: 32853)
        : STUNAddress(ipv6: (0x2001_0DB8_1234_5678, 0x0011_2233_4455_6677), port: 32853)

    let integrity = STUNMessage.verifyIntegrity(raw, password: password)
    let fingerprint = STUNMessage.verifyFingerprint(raw)
    let looksLikeSTUN = STUNMessage.looksLikeSTUN(raw)
    let peeked = STUNMessage.localUsernameFragment(raw)
    FuzzInput.log("integrity \(integrity) fingerprint \(fingerprint) looksLikeSTUN \(looksLikeSTUN) peek \(peeked ?? "nil")")

    var agent = ICELiteAgent(localUfrag: ufrag, localPassword: String(decoding: password, as: UTF8.self))
    let now = ContinuousClock.now
    checkResponse(agent.handle(raw, from: source, now: now), to: raw)

    let message: STUNMessage
    do {
        message = try STUNMessage(parsing: raw)
    } catch {
        FuzzInput.log("parse error: \(error)")
        switch error {
        case .tooShort, .notSTUN, .badMagicCookie, .lengthNotMultipleOfFour, .lengthMismatch:
            // A bad header fails every check (a bad attribute value need not:
            // the integrity and fingerprint checks do not decode values).
            FuzzInput.check(!integrity && !fingerprint && peeked == nil, "verified a bad header: \(error)")
        case .truncatedAttribute, .malformedAttribute:
            break
        }
        addressText(raw)
        return 0
    }
    FuzzInput.log("parsed: \(message)")
    FuzzInput.check(looksLikeSTUN || raw[0] > 3, "parsed but not looksLikeSTUN")

    // The peek sees what the parser sees.
    if message.method == .binding && message.messageClass == .request,
       let username = message.username, let colon = username.utf8.firstIndex(of: UInt8(ascii: ":")),
       colon != username.utf8.startIndex {
        FuzzInput.check(peeked == String(username[..<colon]), "peek \(peeked ?? "nil") for USERNAME \(username.debugDescription)")
    } else {
        FuzzInput.check(peeked == nil, "peek \(peeked ?? "nil") without a usable USERNAME")
    }

    // Round trip without and with the integrity and fingerprint attributes.
    let plain = message.attributes.filter { $0 != .messageIntegrity && $0 != .fingerprint }
    let unsigned = message.serialized(integrityPassword: nil, fingerprint: false)
    let reparsed = unsigned.withUnsafeBytes { try? STUNMessage(parsing: $0) }
    FuzzInput.check(reparsed?.attributes == plain && reparsed?.transactionID == message.transactionID
                    && reparsed?.method == message.method && reparsed?.messageClass == message.messageClass,
                    "round trip: \(String(describing: reparsed))")
    let signed = message.serialized(integrityPassword: password, fingerprint: true)
    signed.withUnsafeBytes { signedRaw in
        FuzzInput.check(STUNMessage.verifyIntegrity(signedRaw, password: password), "own integrity fails")
        FuzzInput.check(STUNMessage.verifyFingerprint(signedRaw), "own fingerprint fails")
        let again = try? STUNMessage(parsing: signedRaw)
        FuzzInput.check(again?.attributes == plain + [.messageIntegrity, .fingerprint], "signed round trip")

        // The re-signed message through a fresh agent: a valid check must succeed.
        var fresh = ICELiteAgent(localUfrag: ufrag, localPassword: String(decoding: password, as: UTF8.self))
        let outcome = fresh.handle(signedRaw, from: source, now: now)
        checkResponse(outcome, to: signedRaw)
        let validCheck = message.messageClass == .request && message.method == .binding
            && message.username.map { $0.utf8.starts(with: (ufrag + ":").utf8) } == true
            && message.unknownComprehensionRequiredTypes.isEmpty && message.iceControlled == nil
        if validCheck {
            let response = outcome.response.flatMap { bytes in bytes.withUnsafeBytes { try? STUNMessage(parsing: $0) } }
            FuzzInput.check(response?.messageClass == .successResponse, "valid check rejected: \(outcome.events)")
            FuzzInput.check(response?.xorMappedAddress == source, "XOR-MAPPED-ADDRESS \(String(describing: response))")
            FuzzInput.check(fresh.selectedAddress == (message.hasUseCandidate ? source : nil), "selection")
            FuzzInput.check(fresh.state == (message.hasUseCandidate ? .connected : .checking), "state \(fresh.state)")
        }
    }
    addressText(raw)
    return 0
}

/// Any response parses, answers the request's transaction and has a valid FINGERPRINT.
func checkResponse(_ outcome: ICELiteAgent.Outcome, to request: UnsafeRawBufferPointer) {
    guard let bytes = outcome.response else { return }
    bytes.withUnsafeBytes { raw in
        FuzzInput.check(STUNMessage.verifyFingerprint(raw), "response fingerprint")
        let response = try? STUNMessage(parsing: raw)
        let requestMessage = try? STUNMessage(parsing: request)
        FuzzInput.check(response != nil && response?.transactionID == requestMessage?.transactionID,
                        "response \(String(describing: response)) to \(String(describing: requestMessage))")
    }
}

/// The input as an IP address in text: if it parses, its canonical text parses
/// back to the same address.
func addressText(_ raw: UnsafeRawBufferPointer) {
    guard raw.count <= 64 else { return }
    let text = String(decoding: raw, as: UTF8.self)
    guard let address = STUNAddress(string: text, port: 1) else { return }
    let again = STUNAddress(string: address.hostDescription, port: 1)
    FuzzInput.check(again == address, "\(text.debugDescription) → \(address.hostDescription) → \(String(describing: again))")
}

/// The entry point; see FuzzDriver for why a fuzz target needs one.
@main
enum Main {
    static func main() {
        FuzzDriver.run { data, size in fuzz(data ?? FuzzDriver.empty, size) }
    }
}
