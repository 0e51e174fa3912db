import Audio
import Foundation
import Gateway
import Synchronization

/// A phone made of raw sockets for gateway tests: SIP through `RawSIPClient`,
/// RTP (PCMU) through its own UDP socket, paced every 20 ms.
final class RawPhone: @unchecked Sendable {
    let sip: RawSIPClient
    var dialog: RawSIPDialog
    let rtpFD: Int32
    let rtpPort: Int
    /// Where the gateway's RTP comes from (learned from its SDP).
    var gatewayRTPPort = 0
    final class Shared: Sendable {
        let received = Mutex<[(at: ContinuousClock.Instant, payloadType: UInt8, payload: [UInt8])]>([])
        let sending = Mutex<(tone: Double?, running: Bool)>((nil, true))
    }
    private let shared = Shared()
    private var sender: Task<Void, Never>?

    /// Whether the 200's Contact and Record-Route steer the ACK and BYE
    /// (on for calls through a proxy).
    var followsRoute = false

    init(gatewayPort: Int, user: String, host: String = "127.0.0.1", localHost: String = "127.0.0.1") throws {
        sip = try RawSIPClient(serverPort: gatewayPort, localHost: localHost, serverHost: host)
        dialog = RawSIPDialog(client: sip, user: user)
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        var addr = RawSIPClient.loopback(port: 0)
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        var local = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &local) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        rtpFD = fd
        rtpPort = Int(UInt16(bigEndian: local.sin_port))
    }

    deinit { close(rtpFD) }

    func offer(direction: String = "sendrecv", codecs: String = "0 101", extra: [String] = ["a=rtpmap:0 PCMU/8000", "a=rtpmap:101 telephone-event/8000"]) -> String {
        ([ "v=0", "o=raw 1 \(UInt32.random(in: 1...9999)) IN IP4 127.0.0.1", "s=-", "c=IN IP4 127.0.0.1", "t=0 0",
           "m=audio \(rtpPort) RTP/AVP \(codecs)"] + extra + ["a=ptime:20", "a=\(direction)"]).joined(separator: "\r\n") + "\r\n"
    }

    /// INVITE → final response (and ACK for a 200). Returns the final response.
    /// The wait is generous: joining the room answers in milliseconds, but a
    /// full parallel test run can starve the gateway's loop for seconds.
    func call(sdp: String?, ackSDP: ((String) -> String)? = nil) async throws -> RawSIPMessage? {
        dialog.sendInvite(sdp: sdp)
        guard let final = try await sip.receive(timeout: .seconds(15), where: { ($0.status ?? 0) >= 200 && $0.cseqMethod == "INVITE" }) else { return nil }
        if final.status == 200 {
            dialog.toTag = final.toTag
            if followsRoute {
                dialog.remoteTarget = final.header("Contact").map { Self.uri(in: $0) }
                dialog.routeSet = final.headers.filter { $0.name.lowercased() == "record-route" }
                    .flatMap { $0.value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }.reversed()
            }
            learnPort(from: final.body)
            dialog.sendAck(sdp: ackSDP?(final.body))
        } else {
            dialog.toTag = final.toTag
            dialog.sendErrorAck()
        }
        return final
    }

    /// `<sip:a@b>;expires=3` → `sip:a@b`.
    static func uri(in header: String) -> String {
        guard let open = header.firstIndex(of: "<"), let close = header[open...].firstIndex(of: ">") else {
            return String(header.prefix { $0 != ";" })
        }
        return String(header[header.index(after: open)..<close])
    }

    func reinvite(sdp: String) async throws -> RawSIPMessage? {
        dialog.sendReinvite(sdp: sdp)
        let final = try await sip.receive(timeout: .seconds(5), where: { ($0.status ?? 0) >= 200 && $0.cseqMethod == "INVITE" })
        if final?.status == 200 { dialog.sendAck() }
        return final
    }

    func learnPort(from sdp: String) {
        for line in sdp.split(whereSeparator: \.isNewline) where line.hasPrefix("m=audio ") {
            gatewayRTPPort = Int(line.split(separator: " ")[1]) ?? 0
        }
    }

    /// Starts sending PCMU: a sine at `tone` Hz, or silence (nil); plus
    /// steady noise of RMS `noise` (a fan, a kitchen), the same every run.
    func startMedia(tone: Double?, opus: Bool = false, noise: Double = 0) {
        let shared = self.shared
        shared.sending.withLock { $0.tone = tone }
        let fd = rtpFD
        let port = gatewayRTPPort
        sender = Task.detached {
            let encoder = opus ? try? OpusEncoder(channels: 1) : nil
            var sequence: UInt16 = 1
            var timestamp: UInt32 = 0
            var phase = 0.0
            var seed: UInt32 = 2_463_534_242
            var smoothed = 0.0
            let clock = ContinuousClock()
            var next = clock.now
            while shared.sending.withLock({ $0.running }) && !Task.isCancelled {
                let tone = shared.sending.withLock { $0.tone }
                var pcm = [Int16](repeating: 0, count: 160)
                if let tone {
                    for i in 0..<160 {
                        pcm[i] = Int16(12000 * sin(phase))
                        phase += 2 * .pi * tone / 8000
                    }
                }
                if noise > 0 {
                    for i in 0..<160 {
                        seed = seed &* 1_664_525 &+ 1_013_904_223
                        smoothed = 0.6 * smoothed + 0.4 * Double(Int32(bitPattern: seed)) / Double(Int32.max)
                        // 0.29: about the RMS of this low-passed uniform noise at unit scale.
                        pcm[i] = Int16(clamping: Int(pcm[i]) + Int(smoothed * noise / 0.29))
                    }
                }
                let payload: [UInt8]
                if let encoder {
                    // The same tone at 48 kHz (six samples per 8 kHz one).
                    let wide = pcm.flatMap { [Int16](repeating: $0, count: 6) }
                    payload = (try? encoder.encode(wide)) ?? []
                } else {
                    payload = G711.encode(pcm, law: .ulaw)
                }
                var packet: [UInt8] = [0x80, opus ? 111 : 0, UInt8(sequence >> 8), UInt8(sequence & 0xFF)]
                packet += [UInt8(timestamp >> 24), UInt8((timestamp >> 16) & 0xFF), UInt8((timestamp >> 8) & 0xFF), UInt8(timestamp & 0xFF)]
                packet += [0x12, 0x34, 0x56, 0x78] + payload
                RawPhone.send(packet, fd: fd, port: port)
                sequence &+= 1
                timestamp &+= opus ? 960 : 160
                next = next.advanced(by: .milliseconds(20))
                try? await clock.sleep(until: next)
            }
        }
        // A thread of its own: a blocking recv loop must not hold one of the
        // few cooperative threads Swift concurrency has on a 2-core machine.
        let thread = Thread {
            var buffer = [UInt8](repeating: 0, count: 2048)
            while shared.sending.withLock({ $0.running }) {
                let n = recv(fd, &buffer, buffer.count, 0)
                guard n >= 12 else { continue }
                let header = 12 + Int(buffer[0] & 0x0F) * 4
                guard n > header else { continue }
                shared.received.withLock { $0.append((ContinuousClock.now, buffer[1] & 0x7F, Array(buffer[header..<n]))) }
            }
        }
        thread.start()
    }

    static func send(_ bytes: [UInt8], fd: Int32, port: Int) {
        var to = RawSIPClient.loopback(port: port)
        _ = bytes.withUnsafeBytes { b in
            withUnsafePointer(to: &to) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                sendto(fd, b.baseAddress, b.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            } }
        }
    }

    func setTone(_ tone: Double?) { shared.sending.withLock { $0.tone = tone } }

    func stop() {
        shared.sending.withLock { $0.running = false }
        sender?.cancel()
    }

    /// Packets received since `since`.
    func packets(since: ContinuousClock.Instant) -> [(at: ContinuousClock.Instant, payloadType: UInt8, payload: [UInt8])] {
        shared.received.withLock { $0.filter { $0.at >= since } }
    }

    /// Packets received over the next `duration`.
    func packets(during duration: Duration) async throws -> [(at: ContinuousClock.Instant, payloadType: UInt8, payload: [UInt8])] {
        let since = ContinuousClock.now
        try await Task.sleep(for: duration)
        return packets(since: since)
    }

    /// What the phone heard since `since`, decoded (PCMU, 8 kHz).
    func heard(since: ContinuousClock.Instant) -> [Int16] {
        packets(since: since).filter { $0.payloadType == 0 }.flatMap { G711.decode($0.payload, law: .ulaw) }
    }
}

/// The power of `frequency` in `samples` relative to the total, 0...1: a
/// Goertzel filter over each 50 ms block, the blocks' powers summed.
///
/// Block by block, not over the whole window: a tone that crosses the
/// gateway keeps its pitch but not its phase wherever a frame was concealed
/// or the jitter buffer resynchronised, and one filter over 1.5 s lets the
/// pieces on either side of such a jump cancel (a CI run under load scored
/// 0.06 for a tone that was plainly there).
func toneShare(_ samples: [Int16], frequency: Double, rate: Double = 8000) -> Double {
    let block = Int(rate / 20)
    guard samples.count >= block else { return 0 }
    let k = 2 * cos(2 * .pi * frequency / rate)
    var power = 0.0, energy = 0.0
    for start in stride(from: 0, to: samples.count - block + 1, by: block) {
        var s1 = 0.0, s2 = 0.0
        for x in samples[start ..< start + block] {
            let v = Double(x)
            energy += v * v
            let s0 = v + k * s1 - s2
            s2 = s1
            s1 = s0
        }
        power += 2 * (s1 * s1 + s2 * s2 - k * s1 * s2) / Double(block)
    }
    guard energy > 0 else { return 0 }
    return min(1, power / energy)
}
