import Foundation
import Testing
@testable import SFU

/// Parley's AES-GCM SRTP (OpenSSL) against libsrtp2's, both ways: what one
/// protects the other must open, for RTP (with CSRCs, header extensions and
/// a sequence-number wrap) and RTCP; replays and forgeries are refused.
@Suite struct AESGCMSRTPTests {
    let keyAndSalt: [UInt8] = (0..<28).map { UInt8(($0 * 37 + 11) & 0xFF) }

    func sessions(_ ours: Bool, _ direction: SRTPSession.Direction) throws -> SRTPSession {
        try SRTPSession(profile: .aeadAes128Gcm, keyAndSalt: keyAndSalt, direction: direction, libsrtpOnly: !ours)
    }

    /// An RTP packet: `csrcs` CSRCs, a one-byte-header extension when `extended`.
    func rtp(sequence: UInt16, ssrc: UInt32 = 0x1234_5678, csrcs: Int = 0, extended: Bool = false, payload: Int = 200) -> [UInt8] {
        var p: [UInt8] = [0x80 | (extended ? 0x10 : 0) | UInt8(csrcs), 96, UInt8(sequence >> 8), UInt8(sequence & 0xFF),
                          0, 0, 0x10, 0x00, UInt8(ssrc >> 24), UInt8(ssrc >> 16 & 0xFF), UInt8(ssrc >> 8 & 0xFF), UInt8(ssrc & 0xFF)]
        for i in 0..<csrcs { p += [0, 0, 0, UInt8(i + 1)] }
        if extended { p += [0xBE, 0xDE, 0, 1, 0x10, 0x42, 0, 0] }
        p += (0..<payload).map { UInt8(($0 * 7) & 0xFF) }
        return p
    }

    /// `length` random bytes whose first says version 2, so the header is parsed.
    func randomRTPVersion2(_ length: Int, using generator: inout SystemRandomNumberGenerator) -> [UInt8] {
        var bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
        if length > 0 { bytes[0] = 0x80 | (bytes[0] & 0x3F) }
        return bytes
    }

    func rtcp(ssrc: UInt32 = 0xCAFE_F00D) -> [UInt8] {
        // A receiver report with one block (RFC 3550 §6.4.2).
        [0x81, 201, 0, 7, UInt8(ssrc >> 24), UInt8(ssrc >> 16 & 0xFF), UInt8(ssrc >> 8 & 0xFF), UInt8(ssrc & 0xFF)]
            + (0..<24).map { UInt8($0) }
    }

    /// Protects `packet` with `sender` and opens it with `receiver`; returns the opened bytes.
    func roundTrip(_ packet: [UInt8], _ sender: SRTPSession, _ receiver: SRTPSession, rtcp: Bool = false) throws -> [UInt8] {
        var buffer = packet + [UInt8](repeating: 0, count: SRTPSession.maximumOverhead)
        let sealed = try buffer.withUnsafeMutableBytes { p in
            rtcp ? try sender.protectRTCP(p, length: packet.count) : try sender.protectRTP(p, length: packet.count)
        }
        #expect(sealed > packet.count)
        #expect(Array(buffer[0..<packet.count]) != packet, "the payload is encrypted")
        let opened = try buffer.withUnsafeMutableBytes { p in
            rtcp ? try receiver.unprotectRTCP(p, length: sealed) : try receiver.unprotectRTP(p, length: sealed)
        }
        return Array(buffer[0..<opened])
    }

    @Test("RTP both ways between OpenSSL and libsrtp, across a sequence-number wrap", arguments: [true, false])
    func rtpInterop(oursSends: Bool) throws {
        let sender = try sessions(oursSends, .outbound), receiver = try sessions(!oursSends, .inbound)
        var sequences: [UInt16] = Array(65_530...65_535) + Array(0...5)
        sequences.insert(65_533, at: 8)  // a late packet from before the wrap, first seen after it
        var seen = Set<UInt16>()
        for (i, sequence) in sequences.enumerated() where !seen.contains(sequence) {
            seen.insert(sequence)
            let packet = rtp(sequence: sequence, csrcs: i % 3, extended: i % 2 == 0, payload: 20 + i * 50)
            #expect(try roundTrip(packet, sender, receiver) == packet, "sequence \(sequence)")
        }
        // Two streams in one session keep their own counters.
        let other = rtp(sequence: 9, ssrc: 0x0BAD_CAFE)
        #expect(try roundTrip(other, sender, receiver) == other)
    }

    @Test("RTCP both ways between OpenSSL and libsrtp", arguments: [true, false])
    func rtcpInterop(oursSends: Bool) throws {
        let sender = try sessions(oursSends, .outbound), receiver = try sessions(!oursSends, .inbound)
        for _ in 0..<3 { #expect(try roundTrip(rtcp(), sender, receiver, rtcp: true) == rtcp()) }
    }

    @Test("a replayed or forged packet is refused, and the genuine one still opens after a forgery")
    func replayAndForgery() throws {
        let sender = try sessions(true, .outbound), receiver = try sessions(true, .inbound)
        let packet = rtp(sequence: 100)
        var buffer = packet + [UInt8](repeating: 0, count: SRTPSession.maximumOverhead)
        let sealed = try buffer.withUnsafeMutableBytes { try sender.protectRTP($0, length: packet.count) }
        let wire = Array(buffer[0..<sealed])

        var forged = wire
        forged[20] ^= 0x01
        #expect(throws: SRTPError.authenticationFailed) {
            try forged.withUnsafeMutableBytes { _ = try receiver.unprotectRTP($0, length: sealed) }
        }
        var genuine = wire
        #expect(try genuine.withUnsafeMutableBytes { try receiver.unprotectRTP($0, length: sealed) } == packet.count)
        var again = wire
        #expect(throws: SRTPError.replay) {
            try again.withUnsafeMutableBytes { _ = try receiver.unprotectRTP($0, length: sealed) }
        }
        // RTCP too.
        let report = rtcp()
        var rb = report + [UInt8](repeating: 0, count: SRTPSession.maximumOverhead)
        let rl = try rb.withUnsafeMutableBytes { try sender.protectRTCP($0, length: report.count) }
        var first = Array(rb[0..<rl]), second = Array(rb[0..<rl])
        #expect(try first.withUnsafeMutableBytes { try receiver.unprotectRTCP($0, length: rl) } == report.count)
        #expect(throws: SRTPError.replay) { try second.withUnsafeMutableBytes { _ = try receiver.unprotectRTCP($0, length: rl) } }
    }

    /// OpenSSL's provider functions, called directly, are the path used
    /// here; EVP the fallback. Both must give libsrtp's bytes exactly (same
    /// keys and IVs, so the same ciphertext and tags) and open each other's.
    @Test("the provider path is used, and it and the EVP path both give libsrtp's packets", arguments: [false, true])
    func providerAndEVPPaths(throughEVP: Bool) throws {
        let ours = try AESGCMSRTP(keyAndSalt: keyAndSalt, encrypting: true, throughEVP: throughEVP)
        #expect(ours.callsProviderDirectly == !throughEVP)
        let reference = try sessions(false, .outbound)
        let opener = try AESGCMSRTP(keyAndSalt: keyAndSalt, encrypting: false, throughEVP: !throughEVP)
        for i in 0..<6 {
            let packet = rtp(sequence: UInt16(40 + i), csrcs: i % 3, extended: i % 2 == 0, payload: i * 230)
            var a = packet + [UInt8](repeating: 0, count: SRTPSession.maximumOverhead), b = a
            let sealed = try a.withUnsafeMutableBytes { try ours.protectRTP($0, length: packet.count) }
            let expected = try b.withUnsafeMutableBytes { try reference.protectRTP($0, length: packet.count) }
            #expect(sealed == expected && a[0..<sealed] == b[0..<expected], "packet \(i)")
            let opened = try a.withUnsafeMutableBytes { try opener.unprotectRTP($0, length: sealed) }
            #expect(Array(a[0..<opened]) == packet)
        }
        // A forgery is refused on this path too.
        let packet = rtp(sequence: 90)
        var wire = packet + [UInt8](repeating: 0, count: SRTPSession.maximumOverhead)
        let sealed = try wire.withUnsafeMutableBytes { try ours.protectRTP($0, length: packet.count) }
        wire[sealed - 1] ^= 0x80
        #expect(throws: SRTPError.authenticationFailed) {
            try wire.withUnsafeMutableBytes { _ = try opener.unprotectRTP($0, length: sealed) }
        }
        // RTCP both ways with libsrtp.
        let receiver = try sessions(false, .inbound)
        let report = rtcp()
        var r = report + [UInt8](repeating: 0, count: SRTPSession.maximumOverhead)
        let rl = try r.withUnsafeMutableBytes { try ours.protectRTCP($0, length: report.count) }
        #expect(try r.withUnsafeMutableBytes { try receiver.unprotectRTCP($0, length: rl) } == report.count)
        #expect(Array(r[0..<report.count]) == report)
    }

    /// The forwarding path copies only a packet's header and the start of its
    /// payload into the datagram, and the cipher reads the rest from the
    /// original. Whatever the split (even one inside the header), the result
    /// is the same bytes as the whole packet protected in place.
    @Test("a packet protected from two places is the packet protected in place",
          arguments: [SRTPProfile.aeadAes128Gcm, .aes128CmSha1_80], [false, true])
    func protectedFromTwoPlaces(profile: SRTPProfile, libsrtp: Bool) throws {
        let key = (0..<(profile.keyLength + profile.saltLength)).map { UInt8(($0 * 29 + 3) & 0xFF) }
        let inPlace = try SRTPSession(profile: profile, keyAndSalt: key, direction: .outbound, libsrtpOnly: libsrtp)
        let split = try SRTPSession(profile: profile, keyAndSalt: key, direction: .outbound, libsrtpOnly: libsrtp)
        let opener = try SRTPSession(profile: profile, keyAndSalt: key, direction: .inbound, libsrtpOnly: true)
        var sequence: UInt16 = 7
        for (csrcs, extended, payload) in [(0, false, 1_100), (2, true, 1_100), (0, true, 5), (1, false, 0)] {
            let packet = rtp(sequence: 0, csrcs: csrcs, extended: extended, payload: payload)
            let header = 12 + 4 * csrcs + (extended ? 8 : 0)
            for copied in Set([0, 8, 12, header - 1, header, header + 16, packet.count].filter { $0 >= 0 && $0 <= packet.count }).sorted() {
                sequence &+= 1
                var p = packet
                p[2] = UInt8(sequence >> 8); p[3] = UInt8(sequence & 0xFF)
                var whole = p + [UInt8](repeating: 0, count: SRTPSession.maximumOverhead)
                let expected = try whole.withUnsafeMutableBytes { try inPlace.protectRTP($0, length: p.count) }
                // What was not copied is garbage in the datagram until the cipher writes it.
                var datagram = Array(p[0..<copied]) + [UInt8](repeating: 0xEE, count: p.count - copied + SRTPSession.maximumOverhead)
                let sealed = try p.withUnsafeBytes { source in
                    try datagram.withUnsafeMutableBytes { try split.protectRTP($0, copied: copied, restOf: source) }
                }
                #expect(sealed == expected && datagram[0..<sealed] == whole[0..<expected], "\(csrcs) CSRCs, copied \(copied)")
                let opened = try datagram.withUnsafeMutableBytes { try opener.unprotectRTP($0, length: sealed) }
                #expect(Array(datagram[0..<opened]) == p)
            }
        }
    }

    /// A forwarded packet's header came from the network: whatever its CSRC
    /// count and extension length claim, and wherever the copied part ends,
    /// protecting from two places refuses or succeeds and never reads or
    /// writes outside the two buffers (checked bounds in debug builds).
    @Test("protecting from two places takes any bytes and any split without reading past them")
    func twoPlacesTakeAnything() throws {
        let sender = try sessions(true, .outbound)
        var generator = SystemRandomNumberGenerator()
        for length in 0..<120 {
            for _ in 0..<10 {
                let source = randomRTPVersion2(length, using: &generator)
                let copied = Int.random(in: 0...length, using: &generator)
                var datagram = Array(source[0..<copied])
                    + [UInt8](repeating: 0xEE, count: length - copied + SRTPSession.maximumOverhead)
                let sealed = try? source.withUnsafeBytes { s in
                    try datagram.withUnsafeMutableBytes { try sender.protectRTP($0, copied: copied, restOf: s) }
                }
                if let sealed { #expect(sealed == length + AESGCMSRTP.tagLength) }
            }
        }
        // No room for the tag: refused, not written past the end.
        let packet = rtp(sequence: 1)
        var tight = packet
        #expect(throws: SRTPError.noRoom) {
            try packet.withUnsafeBytes { s in try tight.withUnsafeMutableBytes { _ = try sender.protectRTP($0, copied: 12, restOf: s) } }
        }
    }

    /// What arrives from the network is anything: truncated headers, CSRC
    /// counts and extension lengths past the end, every length from 0 up.
    @Test("random bytes of every length are refused, never read past their end")
    func garbageIsRefused() throws {
        let receiver = try sessions(true, .inbound)
        var generator = SystemRandomNumberGenerator()
        for length in 0..<200 {
            for _ in 0..<20 {
                var bytes = randomRTPVersion2(length, using: &generator)
                var rtcp = bytes
                #expect(throws: SRTPError.self) { try bytes.withUnsafeMutableBytes { _ = try receiver.unprotectRTP($0, length: length) } }
                #expect(throws: SRTPError.self) { try rtcp.withUnsafeMutableBytes { _ = try receiver.unprotectRTCP($0, length: length) } }
            }
        }
    }

    @Test("the replay window: fresh, replayed, too old, and a long jump forward")
    func replayWindow() {
        var window = SRTPReplayWindow()
        #expect(window.check(10) == .fresh)
        window.record(10)
        #expect(window.check(10) == .replayed)
        #expect(window.check(9) == .fresh)
        window.record(5000)
        #expect(window.check(10) == .tooOld)
        #expect(window.check(5000 - 4095) == .fresh)
        window.record(5000 + 100_000)
        #expect(window.check(5000) == .tooOld)
        #expect(window.check(105_000 - 1) == .fresh)
    }

    /// RFC 3711 Appendix B.3's key derivation vectors (its 112-bit salt).
    @Test("key derivation matches RFC 3711's test vectors")
    func keyDerivationVectors() throws {
        func bytes(_ hex: String) -> [UInt8] {
            stride(from: 0, to: hex.count, by: 2).map { UInt8(hex.dropFirst($0).prefix(2), radix: 16)! }
        }
        let key = bytes("E1F97A0D3E018BE0D64FA32C06DE4139"), salt = bytes("0EC675AD498AFEEBB6960B3AABE6")
        #expect(SRTPKeyDerivation.derive(masterKey: key, masterSalt: salt, label: .rtpEncryption, length: 16)
                == bytes("C61E7A93744F39EE10734AFE3FF7A087"))
        #expect(SRTPKeyDerivation.derive(masterKey: key, masterSalt: salt, label: .rtpSalt, length: 14)
                == bytes("30CBBC08863D8C85D49DB34A9AE1"))
    }
}

