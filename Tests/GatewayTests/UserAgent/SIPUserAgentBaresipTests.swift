import Foundation
import Gateway
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// baresip (a phone nobody on the team wrote) dials the user agent over
/// loopback. Run the test binary inside `unshare --net` (TESTING.md).
@Suite(.serialized, .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/baresip")))
struct SIPUserAgentBaresipTests {
    @Test func baresipCallIsAnsweredAndHungUp() async throws {
        let h = try await SIPTestHarness()
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("parley-baresip-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        let phone = try BaresipPhone(dialling: "sip:room42@127.0.0.1:\(h.port)", in: directory)
        let phonePort = phone.port
        defer { phone.stop() }

        let incoming = try await h.incomingCall(timeout: .seconds(10))
        let (call, info) = try #require(incoming)
        #expect(info.requestURIUser == "room42")
        #expect(info.fromUser == "caller")
        #expect(info.remotePort == phonePort)
        #expect(info.userAgent?.contains("baresip") == true)
        let offer = try #require(info.sdp)
        #expect(offer.contains("PCMU/8000"))

        h.agent.respond(call, status: 180, phrase: "Ringing")
        h.agent.respond(call, status: 200, phrase: "OK", sdp: testAnswer)
        let acknowledged = try await h.waitFor(timeout: .seconds(5)) {
            if case let .acknowledged(id, _) = $0, id == call { true } else { nil }
        }
        #expect(acknowledged == true)

        h.agent.hangUp(call)
        let reason = try await h.waitFor(timeout: .seconds(5)) {
            if case let .ended(id, reason) = $0, id == call { reason } else { nil }
        }
        #expect(reason == "local BYE")
        await h.shutdown()
    }

    /// A loopback port free for UDP and TCP whose next port is free for both too.
    static func freePortWithFreeNeighbour() -> Int? {
        func bound(_ kind: Int32, _ port: Int) -> Int32? {
            let fd = socket(AF_INET, kind, 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = UInt16(port).bigEndian
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let ok = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            } == 0
            if ok { return fd }
            close(fd)
            return nil
        }
        let udp = Int32(SOCK_DGRAM.rawValue), tcp = Int32(SOCK_STREAM.rawValue)
        for _ in 0..<100 {
            guard let probe = bound(udp, 0) else { continue }
            var address = sockaddr_in()
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(probe, $0, &length) } }
            close(probe)
            let port = Int(UInt16(bigEndian: address.sin_port))
            guard port < 65535 else { continue }
            let held = [bound(udp, port), bound(tcp, port), bound(udp, port + 1), bound(tcp, port + 1)]
            held.compactMap { $0 }.forEach { close($0) }
            if held.allSatisfy({ $0 != nil }) { return port }
        }
        return nil
    }

    /// A minimal PCM WAV (8 kHz, 16-bit, mono) of silence.
    static func silentWAV(seconds: Int) -> Data {
        let samples = 8000 * seconds
        var data = Data()
        func append32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
        func append16(_ v: UInt16) { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
        data.append(contentsOf: Array("RIFF".utf8)); append32(UInt32(36 + samples * 2))
        data.append(contentsOf: Array("WAVEfmt ".utf8)); append32(16); append16(1); append16(1)
        append32(8000); append32(16000); append16(2); append16(16)
        data.append(contentsOf: Array("data".utf8)); append32(UInt32(samples * 2))
        data.append(Data(count: samples * 2))
        return data
    }
}
