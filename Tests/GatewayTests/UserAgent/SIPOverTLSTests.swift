import Foundation
import Gateway
import SDP
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// SIP over TLS (RFC 3261 §26.2.2): the certificate and key are checked and
/// laid out for sofia-sip; a real phone (baresip) calls over TLS and the
/// call is seen as such; TLS below 1.2 is refused. Run the test binary
/// inside `unshare --net` (TESTING.md).
@Suite(.serialized, .timeLimit(.minutes(1)))
struct SIPOverTLSTests {
    /// A directory with a fresh self-signed certificate for 127.0.0.1 (and,
    /// with `expired`, one already out of date).
    struct Certificates {
        let directory: URL
        var certificate: String { directory.appendingPathComponent("cert.pem").path }
        var key: String { directory.appendingPathComponent("key.pem").path }
        var otherKey: String { directory.appendingPathComponent("other-key.pem").path }

        init() throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("parley-tls-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try Self.openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                              "-keyout", key, "-out", certificate, "-days", "2", "-subj", "/CN=127.0.0.1",
                              "-addext", "subjectAltName=IP:127.0.0.1"])
            try Self.openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", otherKey])
        }

        static func openssl(_ arguments: [String]) throws {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
            process.arguments = arguments
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            try #require(process.terminationStatus == 0, "openssl \(arguments.joined(separator: " ")) failed")
        }
    }

    /// A free loopback port for the TLS listener (free for TCP, and UDP too).
    static func freeTCPPort() throws -> Int { try #require(SIPUserAgentBaresipTests.freePortWithFreeNeighbour()) }

    @Test("The certificate and key are checked: a missing file, a key of another certificate are refused with a sentence")
    func filesAreChecked() throws {
        let c = try Certificates()
        defer { try? FileManager.default.removeItem(at: c.directory) }
        let out = c.directory.appendingPathComponent("sip-tls").path
        try SIPTLSFiles.prepare(certificate: c.certificate, key: c.key, in: out)
        let agent = try String(contentsOfFile: out + "/agent.pem", encoding: .utf8)
        #expect(agent.contains("PRIVATE KEY") && agent.contains("BEGIN CERTIFICATE"))
        let mode = try FileManager.default.attributesOfItem(atPath: out + "/agent.pem")[.posixPermissions] as? Int
        #expect(mode == 0o600, "the key is readable by others")
        #expect(FileManager.default.fileExists(atPath: out + "/cafile.pem"))

        #expect { try SIPTLSFiles.prepare(certificate: c.certificate, key: c.otherKey, in: out) } throws: {
            "\($0)".contains("is not the key of the certificate")
        }
        #expect { try SIPTLSFiles.prepare(certificate: c.directory.path + "/missing.pem", key: c.key, in: out) } throws: {
            "\($0)".contains("cannot read the certificate file")
        }
        #expect { try SIPTLSFiles.prepare(certificate: c.key, key: c.key, in: out) } throws: {
            "\($0)".contains("holds no PEM certificate")
        }
    }

    @Test("TLS 1.2 and 1.3 are accepted on the sips port; TLS 1.1 is refused")
    func onlyModernTLS() async throws {
        let c = try Certificates()
        defer { try? FileManager.default.removeItem(at: c.directory) }
        let dir = c.directory.appendingPathComponent("sip-tls").path
        try SIPTLSFiles.prepare(certificate: c.certificate, key: c.key, in: dir)
        let port = try Self.freeTCPPort()
        let h = try await SIPTestHarness(tls: .init(port: port, directory: dir))
        #expect(Self.handshake(port: port, version: "-tls1_2"))
        #expect(Self.handshake(port: port, version: "-tls1_3"))
        #expect(!Self.handshake(port: port, version: "-tls1_1"), "a TLS 1.1 client was let in")
        await h.shutdown()
    }

    /// Whether `openssl s_client` completes a handshake with `version`
    /// (the client's own floor lowered so that only the server can refuse).
    static func handshake(port: Int, version: String) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = ["s_client", "-connect", "127.0.0.1:\(port)", version, "-cipher", "DEFAULT@SECLEVEL=0", "-brief"]
        let input = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    /// With `phoneListens` false, baresip has no certificate, so no TLS
    /// listener of its own (a phone behind NAT is the same): our BYE must go
    /// back on the connection it opened, or it never arrives.
    @Test("baresip calls over TLS: the INVITE arrives, marked as TLS, and the call is answered and hung up on the phone's own connection",
          arguments: [true, false])
    func baresipOverTLS(phoneListens: Bool) async throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/baresip") else { return }
        let c = try Certificates()
        defer { try? FileManager.default.removeItem(at: c.directory) }
        let dir = c.directory.appendingPathComponent("sip-tls").path
        try SIPTLSFiles.prepare(certificate: c.certificate, key: c.key, in: dir)
        let port = try Self.freeTCPPort()
        let h = try await SIPTestHarness(tls: .init(port: port, directory: dir))

        let phoneCertificate = c.directory.appendingPathComponent("phone.pem")
        try (String(contentsOfFile: c.key, encoding: .utf8) + String(contentsOfFile: c.certificate, encoding: .utf8))
            .write(to: phoneCertificate, atomically: true, encoding: .utf8)
        let phone = try BaresipPhone(dialling: "sip:room42@127.0.0.1:\(port);transport=tls",
                                     account: "<sip:caller@127.0.0.1;transport=tls>;regint=0;audio_codecs=PCMU;mediaenc=srtp-mand",
                                     modules: ["g711.so", "srtp.so", "aufile.so"],
                                     extraConfig: (phoneListens ? ["sip_certificate \(phoneCertificate.path)"] : [])
                                         + ["sip_cafile \(c.certificate)"],
                                     in: c.directory.appendingPathComponent("phone"))
        defer { phone.stop() }

        let incoming = try await h.incomingCall(timeout: .seconds(10))
        let (call, info) = try #require(incoming)
        #expect(info.transport == "tls")
        #expect(info.requestURIUser == "room42")
        #expect(try #require(info.sdp).contains("RTP/SAVP"), "baresip was asked for SRTP")
        // Answered with SRTP: baresip acknowledges over TLS (the dialog's
        // Contact must be one it can reach), then the call is hung up.
        let answer = try PhoneNegotiation.answer(offer: try #require(info.sdp), localAddress: "127.0.0.1", localPort: 40000,
                                                 requireSRTP: true, sessionID: 1, sessionVersion: 1)
        h.agent.respond(call, status: 200, phrase: "OK", sdp: answer.sdp)
        let acknowledged = try await h.waitFor(timeout: .seconds(5)) {
            if case let .acknowledged(id, _) = $0, id == call { true } else { nil }
        }
        #expect(acknowledged == true, "no ACK over TLS")
        h.agent.hangUp(call)
        let reason = try await h.waitFor(timeout: .seconds(5)) {
            if case let .ended(id, reason) = $0, id == call { reason } else { nil }
        }
        // Confirmed: baresip got the BYE and answered 200 (a BYE that cannot
        // be delivered ends the call as "local BYE, not confirmed: …").
        #expect(reason == "local BYE")
        await h.shutdown()
    }
}
