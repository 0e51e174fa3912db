import Testing
@testable import SFU

/// DTLS-SRTP between two in-memory sessions: the handshake, fingerprint
/// verification, keying material, then SRTP with those keys.
@Suite struct DTLSSessionTests {
    /// Runs datagrams between the two until neither has anything to say.
    static func handshake(_ server: DTLSSession, _ client: DTLSSession, serverFingerprint: String, clientFingerprint: String)
        -> (server: DTLSSession.Event?, client: DTLSSession.Event?)
    {
        _ = server.setRemoteFingerprint(algorithm: "sha-256", bytes: parse(clientFingerprint))
        _ = client.setRemoteFingerprint(algorithm: "sha-256", bytes: parse(serverFingerprint))
        var toServer = client.start().datagrams
        var serverEvent: DTLSSession.Event?, clientEvent: DTLSSession.Event?
        for _ in 0..<20 {
            var toClient: [[UInt8]] = []
            for d in toServer {
                let o = d.withUnsafeBytes { server.receive($0) }
                toClient += o.datagrams
                if let e = o.event { serverEvent = e }
            }
            toServer = []
            for d in toClient {
                let o = d.withUnsafeBytes { client.receive($0) }
                toServer += o.datagrams
                if let e = o.event { clientEvent = e }
            }
            if toServer.isEmpty && toClient.isEmpty { break }
        }
        return (serverEvent, clientEvent)
    }

    static func parse(_ fingerprint: String) -> [UInt8] {
        fingerprint.split(separator: ":").map { UInt8($0, radix: 16)! }
    }

    @Test(arguments: ["SRTP_AEAD_AES_128_GCM", "SRTP_AES128_CM_SHA1_80", DTLSContext.srtpProfiles])
    func handshakeAgreesOnKeysAndSRTPWorks(profiles: String) throws {
        let serverContext = try DTLSContext(certificate: DTLSCertificate())
        let clientContext = try DTLSContext(certificate: DTLSCertificate(), srtpProfiles: profiles)
        let server = try DTLSSession(context: serverContext, role: .server)
        let client = try DTLSSession(context: clientContext, role: .client)
        let (s, c) = Self.handshake(server, client,
                                    serverFingerprint: serverContext.certificate.sha256Fingerprint,
                                    clientFingerprint: clientContext.certificate.sha256Fingerprint)
        guard case .connected(let serverKeys)? = s, case .connected(let clientKeys)? = c else {
            Issue.record("handshake did not complete: \(String(describing: s)) \(String(describing: c))"); return
        }
        #expect(serverKeys.profile == clientKeys.profile)
        #expect(serverKeys.profile == (profiles.hasPrefix("SRTP_AES128") ? .aes128CmSha1_80 : .aeadAes128Gcm))
        #expect(serverKeys.localKeyAndSalt == clientKeys.remoteKeyAndSalt)
        #expect(serverKeys.remoteKeyAndSalt == clientKeys.localKeyAndSalt)
        #expect(serverKeys.localKeyAndSalt != serverKeys.remoteKeyAndSalt)

        // The browser (client) protects, Parley (server) unprotects in place.
        let sender = try SRTPSession(profile: clientKeys.profile, keyAndSalt: clientKeys.localKeyAndSalt, direction: .outbound)
        let receiver = try SRTPSession(profile: serverKeys.profile, keyAndSalt: serverKeys.remoteKeyAndSalt, direction: .inbound)
        let rtp: [UInt8] = [0x80, 0x60, 0x00, 0x01, 0, 0, 0x03, 0xE8, 0x12, 0x34, 0x56, 0x78] + Array(repeating: 0xAB, count: 100)
        var buffer = rtp + [UInt8](repeating: 0, count: SRTPSession.maximumOverhead)
        let protectedLength = try buffer.withUnsafeMutableBytes { try sender.protectRTP($0, length: rtp.count) }
        #expect(protectedLength > rtp.count)
        #expect(Array(buffer[12..<rtp.count]) != Array(rtp[12...]))
        let plainLength = try buffer.withUnsafeMutableBytes { try receiver.unprotectRTP($0, length: protectedLength) }
        #expect(Array(buffer[0..<plainLength]) == rtp)

        // A replayed packet is refused; a tampered one fails authentication.
        var replay = buffer
        _ = try replay.withUnsafeMutableBytes { try sender.protectRTP($0, length: rtp.count) }
        var second = rtp + [UInt8](repeating: 0, count: SRTPSession.maximumOverhead)
        second[3] = 2
        let len2 = try second.withUnsafeMutableBytes { try sender.protectRTP($0, length: rtp.count) }
        second[20] ^= 1
        #expect(throws: SRTPError.authenticationFailed) {
            _ = try second.withUnsafeMutableBytes { try receiver.unprotectRTP($0, length: len2) }
        }

        // SRTCP both ways.
        let rtcp: [UInt8] = [0x81, 0xC9, 0x00, 0x07, 0, 0, 0, 1, 0x12, 0x34, 0x56, 0x78] + Array(repeating: 0, count: 20)
        let rtcpOut = try SRTPSession(profile: serverKeys.profile, keyAndSalt: serverKeys.localKeyAndSalt, direction: .outbound)
        let rtcpIn = try SRTPSession(profile: clientKeys.profile, keyAndSalt: clientKeys.remoteKeyAndSalt, direction: .inbound)
        var rb = rtcp + [UInt8](repeating: 0, count: SRTPSession.maximumOverhead)
        let pl = try rb.withUnsafeMutableBytes { try rtcpOut.protectRTCP($0, length: rtcp.count) }
        let ul = try rb.withUnsafeMutableBytes { try rtcpIn.unprotectRTCP($0, length: pl) }
        #expect(Array(rb[0..<ul]) == rtcp)
    }

    @Test func wrongFingerprintFailsTheHandshake() throws {
        let serverContext = try DTLSContext(certificate: DTLSCertificate())
        let clientContext = try DTLSContext(certificate: DTLSCertificate())
        let server = try DTLSSession(context: serverContext, role: .server)
        let client = try DTLSSession(context: clientContext, role: .client)
        let (s, _) = Self.handshake(server, client,
                                    serverFingerprint: serverContext.certificate.sha256Fingerprint,
                                    clientFingerprint: serverContext.certificate.sha256Fingerprint) // wrong one
        #expect(s == .failed(.fingerprintMismatch))
        #expect(server.state == .failed)
    }

    @Test func fingerprintArrivingAfterTheHandshakeIsVerifiedThen() throws {
        let serverContext = try DTLSContext(certificate: DTLSCertificate())
        let clientContext = try DTLSContext(certificate: DTLSCertificate())
        let server = try DTLSSession(context: serverContext, role: .server)
        let client = try DTLSSession(context: clientContext, role: .client)
        _ = client.setRemoteFingerprint(algorithm: "sha-256", bytes: Self.parse(serverContext.certificate.sha256Fingerprint))
        var toServer = client.start().datagrams
        var serverEvent: DTLSSession.Event?
        for _ in 0..<10 {
            var toClient: [[UInt8]] = []
            for d in toServer {
                let o = d.withUnsafeBytes { server.receive($0) }
                toClient += o.datagrams
                if o.event != nil { serverEvent = o.event }
            }
            toServer = toClient.flatMap { d in d.withUnsafeBytes { client.receive($0).datagrams } }
            if toServer.isEmpty && toClient.isEmpty { break }
        }
        #expect(serverEvent == nil)  // held back: no fingerprint yet
        let late = server.setRemoteFingerprint(algorithm: "sha-256", bytes: Self.parse(clientContext.certificate.sha256Fingerprint))
        guard case .connected? = late else { Issue.record("expected connected, got \(String(describing: late))"); return }
    }

    @Test func garbageRecordsFailWithoutCrashing() throws {
        let context = try DTLSContext(certificate: DTLSCertificate())
        for junk: [UInt8] in [[0x16], [0x16, 0xFE, 0xFD] + Array(repeating: 0xFF, count: 60), Array(repeating: 0x17, count: 300)] {
            let server = try DTLSSession(context: context, role: .server)
            let o = junk.withUnsafeBytes { server.receive($0) }
            if case .connected? = o.event { Issue.record("garbage connected") }
        }
    }

    @Test func fingerprintLooksLikeSDPWantsIt() throws {
        let fp = try DTLSCertificate().sha256Fingerprint
        #expect(fp.count == 32 * 3 - 1)
        #expect(fp.allSatisfy { $0 == ":" || $0.isHexDigit && !$0.isLowercase })
    }
}
