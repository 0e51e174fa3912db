import CFuzzFeatures
import COpenSSL
import DTLS
import Foundation
import FuzzSupport

/// Arbitrary datagrams into a `DTLSSession` (OpenSSL 3 behind memory BIOs),
/// mostly in the server role Parley always takes. The input is
///
///     flags (1 byte) · (length (2 bytes, big-endian) · datagram)*
///
/// (a length past the end takes the rest), so inputs reach past the first
/// record: a ClientHello, then a client's second flight, alerts, junk.
/// Flags: bit 0 client role (`start()` first), bit 1 a (wrong) peer
/// fingerprint before the datagrams, bit 2 `handleTimeout()` after each
/// datagram, bit 3 `close()` at the end, bit 4 a fingerprint after the
/// datagrams, bit 5 MTU 512 instead of 1200.
///
/// Properties besides "no trap, no leak" (ASan/LeakSanitizer):
/// - every datagram the session writes is non-empty, at most the MTU, and a
///   whole number of DTLS records (RFC 6347 §4.1: 13-byte header, content
///   type 20…23, version DTLS 1.0 or 1.2, length inside the datagram);
/// - the handshake never completes: nobody who sends these bytes knows the
///   session's random and key, so `connected` would mean forged Finished;
/// - `failed` and `closed` are final: later datagrams produce nothing;
/// - an event comes only with a change of state, and the timer runs only
///   while handshaking;
/// - OpenSSL's per-thread error queue is empty after every call (a leftover
///   error would be reported as the cause of the next session's failure).
///
/// OpenSSL is a system library without coverage instrumentation, so the
/// target tells libFuzzer what OpenSSL did (`report`): per datagram, the
/// state change, the OpenSSL error code of a failure, and the records it
/// answered with (handshake message types, alert descriptions). An input that
/// provokes a new alert or error joins the corpus like one that reaches new code.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let input = UnsafeRawBufferPointer(start: data, count: size)
    let flags = input[0]
    let role: DTLSSession.Role = flags & 0x01 != 0 ? .client : .server
    let mtu = flags & 0x20 != 0 ? 512 : 1200
    let datagrams = split(UnsafeRawBufferPointer(rebasing: input[1...]))
    FuzzInput.log("role \(role), mtu \(mtu), flags \(String(flags, radix: 2)), datagrams \(datagrams.map(\.count))")

    let session: DTLSSession
    do {
        session = try DTLSSession(context: Seeds.server, role: role, mtu: mtu)
    } catch {
        FuzzInput.check(false, "could not make a session: \(error)")
        return 0
    }
    if role == .client {
        let first = session.start()
        FuzzInput.check(!first.datagrams.isEmpty, "a client's start() wrote no ClientHello")
        check(first, mtu: mtu, session: session, before: .handshaking, call: "start")
    }
    if flags & 0x02 != 0 {
        FuzzInput.check(session.setRemoteFingerprint(algorithm: "sha-256", bytes: Array(repeating: 0xAB, count: 32)) == nil,
                        "a fingerprint before any handshake produced an event")
        checkErrorQueue("setRemoteFingerprint")
    }
    for (index, datagram) in datagrams.enumerated() {
        let before = session.state
        let outcome = session.receive(UnsafeRawBufferPointer(rebasing: input[datagram]))
        FuzzInput.log("#\(index) \(before) → \(session.state): \(outcome.datagrams.map(\.count)) \(String(describing: outcome.event))")
        check(outcome, mtu: mtu, session: session, before: before, call: "receive #\(index)")
        report(outcome, step: index, before: before, after: session.state, role: role)
        if flags & 0x04 != 0 {
            let before = session.state
            let retransmitted = session.handleTimeout()
            check(retransmitted, mtu: mtu, session: session, before: before, call: "handleTimeout #\(index)")
        }
    }
    if let ms = session.timeoutMilliseconds {
        FuzzInput.check(session.state == .handshaking && ms >= 0 && ms <= 120_000, "timer \(ms) ms in \(session.state)")
    }
    if flags & 0x10 != 0 {
        let before = session.state
        let event = session.setRemoteFingerprint(algorithm: "sha-256", bytes: Array(repeating: 0xCD, count: 32))
        FuzzInput.check(event == nil || before == .connected, "a late fingerprint produced \(String(describing: event)) in \(before)")
        checkErrorQueue("late setRemoteFingerprint")
    }
    if flags & 0x08 != 0 {
        let before = session.state
        let bye = session.close()
        FuzzInput.check(session.state == .closed, "close() left \(session.state)")
        FuzzInput.check(bye.datagrams.isEmpty || before == .connected, "close() in \(before) wrote \(bye.datagrams.count) datagrams")
        checkDatagrams(bye.datagrams, mtu: mtu, call: "close")
        checkErrorQueue("close")
    }
    return 0
}

/// Coverage for what OpenSSL did with datagram `step` (see the type comment).
private func report(_ outcome: DTLSSession.Outcome, step: Int, before: DTLSSession.State, after: DTLSSession.State,
                    role: DTLSSession.Role) {
    let base: [UInt8] = [UInt8(min(step, 7)), role == .server ? 0 : 1]
    func feature(_ parts: [UInt8]) { parley_fuzz_feature(FuzzInput.fnv1a(base + parts)) }
    feature([1, code(before), code(after), UInt8(min(outcome.datagrams.count, 15))])
    if case .failed(let error)? = outcome.event {
        // "error:0A00007B:SSL routines::bad signature": the library and reason code.
        let text: String
        switch error {
        case .handshakeFailed(let t), .openSSL(let t): text = t
        default: text = "\(error)"
        }
        feature([2] + Array(text.utf8.prefix(15)))
    }
    for d in outcome.datagrams {
        var offset = 0
        while offset + 13 <= d.count {
            let type = d[offset], epoch = d[offset + 4]
            let first = offset + 13 < d.count ? d[offset + 13] : 0xFF
            let second = offset + 14 < d.count ? d[offset + 14] : 0xFF
            // Plaintext alerts: level and description; handshake: message type.
            feature([3, type, epoch, epoch == 0 ? first : 0, epoch == 0 && type == 21 ? second : 0])
            offset += 13 + (Int(d[offset + 11]) << 8 | Int(d[offset + 12]))
        }
    }
}

private func code(_ state: DTLSSession.State) -> UInt8 {
    switch state {
    case .handshaking: 0
    case .connected: 1
    case .failed: 2
    case .closed: 3
    }
}

/// Splits the input into datagrams: a 2-byte big-endian length, then that many
/// bytes (the rest if fewer remain); at most 24 datagrams, empty ones skipped.
private func split(_ bytes: UnsafeRawBufferPointer) -> [Range<Int>] {
    var ranges: [Range<Int>] = []
    // Offsets relative to the whole input (the flags byte is at 0).
    var i = 0
    while i + 2 <= bytes.count && ranges.count < 24 {
        let length = Int(bytes[i]) << 8 | Int(bytes[i + 1])
        let start = i + 2
        let end = min(start + length, bytes.count)
        if end > start { ranges.append((start + 1)..<(end + 1)) }
        i = end
    }
    return ranges
}

private func check(_ outcome: DTLSSession.Outcome, mtu: Int, session: DTLSSession, before: DTLSSession.State, call: String) {
    let after = session.state
    FuzzInput.check(after != .connected, "\(call): the handshake completed with forged records")
    if before == .failed || before == .closed {
        FuzzInput.check(outcome.datagrams.isEmpty && outcome.event == nil && after == before,
                        "\(call): a \(before) session produced \(outcome.datagrams.count) datagrams, \(String(describing: outcome.event)), → \(after)")
    }
    switch outcome.event {
    case nil:
        FuzzInput.check(after == before || (before == .handshaking && after == .connected),
                        "\(call): \(before) → \(after) without an event")
    case .failed?:
        FuzzInput.check(after == .failed && before != .failed, "\(call): failed event in \(before) → \(after)")
    case .closed?:
        FuzzInput.check(after == .closed && before != .closed, "\(call): closed event in \(before) → \(after)")
    case .connected?:
        FuzzInput.check(false, "\(call): connected event")
    }
    if after != .handshaking {
        FuzzInput.check(session.timeoutMilliseconds == nil, "\(call): a timer runs in \(after)")
    }
    checkDatagrams(outcome.datagrams, mtu: mtu, call: call)
    checkErrorQueue(call)
}

/// RFC 6347 §4.1: each datagram holds whole records.
private func checkDatagrams(_ datagrams: [[UInt8]], mtu: Int, call: String) {
    for (n, d) in datagrams.enumerated() {
        FuzzInput.check(!d.isEmpty && d.count <= mtu, "\(call): datagram \(n) has \(d.count) bytes (MTU \(mtu))")
        var offset = 0
        while offset < d.count {
            FuzzInput.check(d.count - offset >= 13, "\(call): datagram \(n) ends in a partial record header at \(offset)")
            let type = d[offset], version = UInt16(d[offset + 1]) << 8 | UInt16(d[offset + 2])
            let length = Int(d[offset + 11]) << 8 | Int(d[offset + 12])
            FuzzInput.check((20...23).contains(type), "\(call): datagram \(n) record type \(type)")
            FuzzInput.check(version == 0xFEFD || version == 0xFEFF, "\(call): datagram \(n) record version \(String(version, radix: 16))")
            offset += 13 + length
            FuzzInput.check(offset <= d.count, "\(call): datagram \(n) record length \(length) past the end")
        }
    }
}

private func checkErrorQueue(_ call: String) {
    let code = ERR_peek_error()
    if code != 0 {
        var buffer = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buffer, buffer.count)
        let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        ERR_clear_error()
        FuzzInput.check(false, "\(call): OpenSSL's error queue still holds \(text)")
    }
}

@main
enum Main {
    static func main() {
        if let directory = ProcessInfo.processInfo.environment["FUZZ_DTLS_WRITE_SEEDS"] {
            Seeds.write(to: directory)
            return
        }
        FuzzDriver.run { data, size in fuzz(data ?? FuzzDriver.empty, size) }
    }
}
