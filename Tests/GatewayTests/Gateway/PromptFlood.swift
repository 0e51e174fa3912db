import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Callers who reach the code prompt and stay there, from many loopback
/// addresses (127.0.0.0/8 is all on `lo`): raw SIP per caller, and one
/// thread that sends every admitted caller's RTP (quiet PCMU noise) every
/// 20 ms, as real phones in a prompt do. What the issue saw: fifty such
/// callers took the gateway's loop from everyone in a meeting.
final class PromptFlood: @unchecked Sendable {
    /// How one caller's INVITE ended.
    enum Outcome: Equatable {
        case waiting
        /// 183 or 200: the caller is in the prompt.
        case admitted
        /// A final refusal, with its status and whether Retry-After came with it.
        case refused(status: Int, retryAfter: Bool)
    }

    final class Caller: @unchecked Sendable {
        let sip: RawSIPClient
        var dialog: RawSIPDialog
        let rtpFD: Int32
        let rtpPort: Int
        var outcome = Outcome.waiting
        var answered = false
        let gatewayRTPPort = Atomic<Int>(0)

        init(gatewayPort: Int, host: String) throws {
            sip = try RawSIPClient(serverPort: gatewayPort, localHost: host)
            dialog = RawSIPDialog(client: sip, user: "parley")
            let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
            var addr = RawSIPClient.loopback(port: 0, host: host)
            _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
            var local = sockaddr_in()
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafeMutablePointer(to: &local) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
            rtpFD = fd
            rtpPort = Int(UInt16(bigEndian: local.sin_port))
        }

        deinit { close(rtpFD) }

        var offer: String {
            ["v=0", "o=flood 1 1 IN IP4 \(sip.localHost)", "s=-", "c=IN IP4 \(sip.localHost)", "t=0 0",
             "m=audio \(rtpPort) RTP/AVP 0 101", "a=rtpmap:0 PCMU/8000", "a=rtpmap:101 telephone-event/8000",
             "a=ptime:20", "a=sendrecv"].joined(separator: "\r\n") + "\r\n"
        }

        /// Reads what the gateway answered so far.
        func poll() {
            while let message = sip.receiveNow() {
                guard message.cseqMethod == "INVITE", message.status != nil else { continue }
                let status = message.status ?? 0
                if status == 183 || status == 200 {
                    outcome = .admitted
                    for line in message.body.split(whereSeparator: \.isNewline) where line.hasPrefix("m=audio ") {
                        gatewayRTPPort.store(Int(line.split(separator: " ")[1]) ?? 0, ordering: .relaxed)
                    }
                    if status == 200, !answered {
                        answered = true
                        dialog.toTag = message.toTag
                        dialog.sendAck()
                    }
                } else if status >= 300, outcome == .waiting {
                    outcome = .refused(status: status, retryAfter: message.header("Retry-After") != nil)
                    dialog.toTag = message.toTag
                    dialog.sendErrorAck()
                }
            }
        }
    }

    let callers: [Caller]
    private let running = Atomic<Bool>(true)

    private init(callers: [Caller]) { self.callers = callers }

    /// Sends `perAddress` INVITEs from each of 127.0.0.`addresses`, one every
    /// `spacing`, then keeps reading answers and sending the admitted
    /// callers' RTP until `stop()`.
    static func start(gatewayPort: Int, addresses: ClosedRange<Int>, perAddress: Int, spacing: Duration) async throws -> PromptFlood {
        var callers: [Caller] = []
        for _ in 0..<perAddress {
            for a in addresses { callers.append(try Caller(gatewayPort: gatewayPort, host: "127.0.0.\(a)")) }
        }
        let flood = PromptFlood(callers: callers)
        flood.startMedia()
        for caller in callers {
            caller.dialog.sendInvite(sdp: caller.offer)
            try await Task.sleep(for: spacing)
            for c in callers { c.poll() }
        }
        return flood
    }

    /// Reads answers for `duration` (the 200 after the welcome, late refusals).
    func settle(for duration: Duration) async throws {
        let end = ContinuousClock.now + duration
        while ContinuousClock.now < end {
            for c in callers { c.poll() }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    var admitted: Int { callers.filter { $0.outcome == .admitted }.count }
    var refusals: [Outcome] { callers.map(\.outcome).filter { if case .refused = $0 { true } else { false } } }

    /// One thread paces every admitted caller's RTP (a thread, not a task:
    /// its sleeps must not hold one of the few cooperative threads).
    private func startMedia() {
        let callers = self.callers
        let thread = Thread { [self] in
            var sequence: UInt16 = 1
            var timestamp: UInt32 = 0
            let clock = ContinuousClock()
            var next = clock.now
            // Quiet noise (µ-law codes near zero): a phone's microphone in a room.
            let noise = (0..<160).map { _ in UInt8.random(in: 0xF0...0xFF) }
            while self.running.load(ordering: .relaxed) {
                let packet: [UInt8] = [0x80, 0, UInt8(sequence >> 8), UInt8(sequence & 0xFF),
                                       UInt8(timestamp >> 24), UInt8((timestamp >> 16) & 0xFF), UInt8((timestamp >> 8) & 0xFF), UInt8(timestamp & 0xFF),
                                       0x0F, 0x10, 0x0D, 0x00] + noise
                for caller in callers {
                    let port = caller.gatewayRTPPort.load(ordering: .relaxed)
                    if port != 0 { RawPhone.send(packet, fd: caller.rtpFD, port: port) }
                }
                sequence &+= 1
                timestamp &+= 160
                next = next.advanced(by: .milliseconds(20))
                let wait = next - clock.now
                if wait > .zero { Thread.sleep(forTimeInterval: Double(wait.components.attoseconds) / 1e18 + Double(wait.components.seconds)) }
            }
        }
        thread.start()
    }

    /// Stops the media and hangs up; then answers the gateway's side of
    /// each ending for `linger` (200 to its BYEs, ACK to its final
    /// responses), so its SIP stack shuts down at once instead of waiting
    /// out 32 s timers (RFC 3261 §17.1.1.2, §17.2.1) for phones that went quiet.
    func stop(linger: Duration) async throws {
        running.store(false, ordering: .relaxed)
        for caller in callers where caller.answered { caller.dialog.sendBye() }
        let end = ContinuousClock.now + linger
        while ContinuousClock.now < end {
            for caller in callers {
                while let message = caller.sip.receiveNow() {
                    if message.method == "BYE" {
                        caller.sip.send(rawResponse(to: message, status: 200, phrase: "OK"))
                    } else if let status = message.status, status >= 300, message.cseqMethod == "INVITE" {
                        caller.dialog.toTag = message.toTag
                        caller.dialog.sendErrorAck()
                    }
                }
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}
