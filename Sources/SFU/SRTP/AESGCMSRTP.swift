import CAESGCM

/// One direction of AEAD_AES_128_GCM SRTP and SRTCP (RFC 7714) on OpenSSL's
/// AES-GCM (`CAESGCM`: its provider's functions, without the EVP layer's
/// per-call lookups), in place. `SRTPSession` uses it for that profile:
/// Debian's libsrtp2 does its AES through NSS, whose per-call overhead
/// (sessions, locks) cost more than the cipher itself on the forwarding path.
///
/// State is per SSRC: the rollover counter and highest sequence number
/// (RFC 3711 §3.3.1) for RTP, the SRTCP index for RTCP, and the receiver's
/// replay windows. Retransmissions are allowed on output (a NACK is answered
/// with the same packet again). Not thread-safe: one transport's, on its loop.
final class AESGCMSRTP {
    static let tagLength = 16

    /// Where an RTP stream's sequence numbers are (RFC 3711 §3.3.1). Only
    /// plain values: received streams' replay windows live apart
    /// (`rtpReplay`), so protecting a packet copies no array storage.
    private struct RTPStream {
        var rolloverCounter: UInt32 = 0
        var highestSequence: UInt16

        /// RFC 3711 §3.3.1: the rollover counter the packet was most likely
        /// sent under, given the highest sequence number seen, and its
        /// 48-bit index.
        func estimate(_ sequence: UInt16) -> (rollover: UInt32, index: Int64) {
            let highest = Int(highestSequence), seq = Int(sequence)
            var rollover = rolloverCounter
            if highest < 32768 {
                if seq - highest > 32768, rollover > 0 { rollover -= 1 }
            } else if highest - 32768 > seq {
                rollover &+= 1
            }
            return (rollover, Int64(rollover) << 16 | Int64(sequence))
        }

        mutating func advance(to sequence: UInt16, rollover: UInt32) {
            let index = Int64(rollover) << 16 | Int64(sequence)
            if index > Int64(rolloverCounter) << 16 | Int64(highestSequence) {
                rolloverCounter = rollover
                highestSequence = sequence
            }
        }
    }

    private struct RTCPStream {
        var nextIndex: UInt32 = 1
        var replay = SRTPReplayWindow()
    }

    private let rtpCipher: OpaquePointer
    private let rtcpCipher: OpaquePointer
    /// The RTP salt (12 bytes), the RTCP salt (12) and the IV being built
    /// (12), in one block written through a pointer: as arrays they cost a
    /// retain and a uniqueness check on every packet.
    private let bytes: UnsafeMutablePointer<UInt8>
    private var rtpSalt: UnsafeMutablePointer<UInt8> { bytes }
    private var rtcpSalt: UnsafeMutablePointer<UInt8> { bytes + 12 }
    private var iv: UnsafeMutablePointer<UInt8> { bytes + 24 }
    private var rtpStreams: [UInt32: RTPStream] = [:]
    /// Received streams' replay windows (RFC 3711 §3.3.2), by SSRC.
    private var rtpReplay: [UInt32: SRTPReplayWindow] = [:]
    private var rtcpStreams: [UInt32: RTCPStream] = [:]

    /// `keyAndSalt`: the 16-byte master key then the 12-byte master salt.
    /// `throughEVP` leaves out the provider's functions (for the tests).
    init(keyAndSalt: [UInt8], encrypting: Bool, throughEVP: Bool = false) throws(SRTPError) {
        guard keyAndSalt.count == 28 else { throw .badKeyLength }
        let key = Array(keyAndSalt[0..<16]), salt = Array(keyAndSalt[16..<28])
        guard let rtpKey = SRTPKeyDerivation.derive(masterKey: key, masterSalt: salt, label: .rtpEncryption, length: 16),
              let rtpSalt = SRTPKeyDerivation.derive(masterKey: key, masterSalt: salt, label: .rtpSalt, length: 12),
              let rtcpKey = SRTPKeyDerivation.derive(masterKey: key, masterSalt: salt, label: .rtcpEncryption, length: 16),
              let rtcpSalt = SRTPKeyDerivation.derive(masterKey: key, masterSalt: salt, label: .rtcpSalt, length: 12),
              let rtpCipher = parley_aes_gcm_new(rtpKey, rtpKey.count, encrypting ? 1 : 0, throughEVP ? 1 : 0)
        else { throw .library(-1) }
        guard let rtcpCipher = parley_aes_gcm_new(rtcpKey, rtcpKey.count, encrypting ? 1 : 0, throughEVP ? 1 : 0) else {
            parley_aes_gcm_free(rtpCipher)
            throw .library(-1)
        }
        self.rtpCipher = rtpCipher
        self.rtcpCipher = rtcpCipher
        bytes = .allocate(capacity: 36)
        bytes.initialize(repeating: 0, count: 36)
        bytes.update(from: rtpSalt, count: 12)
        (bytes + 12).update(from: rtcpSalt, count: 12)
    }

    deinit {
        bytes.deallocate()
        parley_aes_gcm_free(rtpCipher)
        parley_aes_gcm_free(rtcpCipher)
    }

    /// Whether the cipher runs on the provider's functions directly (else through EVP).
    var callsProviderDirectly: Bool { parley_aes_gcm_is_direct(rtpCipher) == 1 }

    // MARK: - RTP (RFC 7714 §8)

    /// Encrypts the payload of the RTP packet in `packet[0..<length]` and
    /// appends the tag; `packet` must have room for it. Returns the new length.
    func protectRTP(_ packet: UnsafeMutableRawBufferPointer, length: Int) throws(SRTPError) -> Int {
        try protectRTP(packet, length: length, rest: nil)
    }

    /// Like `protectRTP(_:length:)` for a packet whose first `copied` bytes
    /// are in `packet` and whose rest is still in `source` (at the same
    /// offsets): the rest is encrypted straight from there into `packet`,
    /// which saves copying it first.
    func protectRTP(_ packet: UnsafeMutableRawBufferPointer, copied: Int, restOf source: UnsafeRawBufferPointer) throws(SRTPError) -> Int {
        guard copied <= source.count, source.count <= packet.count else { throw .noRoom }
        return try protectRTP(packet, length: source.count, rest: (source, copied))
    }

    private func protectRTP(_ packet: UnsafeMutableRawBufferPointer, length: Int,
                            rest: (source: UnsafeRawBufferPointer, from: Int)?) throws(SRTPError) -> Int {
        guard packet.count >= length + Self.tagLength else { throw .noRoom }
        var rest = rest
        var headerLength = rest.flatMap { Self.rtpHeaderLength(packet, length: length, known: $0.from) }
        if let r = rest, headerLength.map({ $0 > r.from }) ?? true {
            // The copied part does not hold the whole header: copy the rest
            // too, and work in place.
            UnsafeMutableRawBufferPointer(rebasing: packet[r.from..<length])
                .copyMemory(from: UnsafeRawBufferPointer(rebasing: r.source[r.from..<length]))
            rest = nil
            headerLength = nil
        }
        guard let headerLength = headerLength ?? Self.rtpHeaderLength(packet, length: length) else { throw .library(-2) }
        let ssrc = Self.uint32(packet, at: 8), sequence = Self.uint16(packet, at: 2)
        // In place in the dictionary, found once: a copy taken out and put
        // back would copy the replay window's storage on every packet.
        let rollover: UInt32
        if let stream = rtpStreams.index(forKey: ssrc) {
            rollover = rtpStreams.values[stream].estimate(sequence).rollover
            rtpStreams.values[stream].advance(to: sequence, rollover: rollover)
        } else {
            rtpStreams[ssrc] = RTPStream(highestSequence: sequence)
            rollover = 0
        }
        setRTPIV(ssrc: ssrc, rollover: rollover, sequence: sequence)
        guard seal(rtpCipher, packet, aad: 0..<headerLength, text: headerLength..<length, plain: rest, tagAt: length) else {
            throw .library(-3)
        }
        return length + Self.tagLength
    }

    /// Authenticates and decrypts an SRTP packet in place; returns the RTP length.
    func unprotectRTP(_ packet: UnsafeMutableRawBufferPointer, length: Int) throws(SRTPError) -> Int {
        guard length >= 12 + Self.tagLength, let headerLength = Self.rtpHeaderLength(packet, length: length - Self.tagLength)
        else { throw .library(-2) }
        let ssrc = Self.uint32(packet, at: 8), sequence = Self.uint16(packet, at: 2)
        let (rollover, index) = rtpStreams[ssrc, default: RTPStream(highestSequence: sequence)].estimate(sequence)
        guard rtpReplay[ssrc]?.check(index) ?? .fresh == .fresh else { throw .replay }
        setRTPIV(ssrc: ssrc, rollover: rollover, sequence: sequence)
        let end = length - Self.tagLength
        guard open(rtpCipher, packet, aad: 0..<headerLength, text: headerLength..<end, tagAt: end) else {
            throw .authenticationFailed
        }
        // Only an authenticated packet makes a stream or moves its window.
        rtpStreams[ssrc, default: RTPStream(highestSequence: sequence)].advance(to: sequence, rollover: rollover)
        rtpReplay[ssrc, default: SRTPReplayWindow()].record(index)
        return end
    }

    /// IV = (0x0000 || SSRC || ROC || SEQ) XOR salt (RFC 7714 §8.1).
    private func setRTPIV(ssrc: UInt32, rollover: UInt32, sequence: UInt16) {
        setIV(salt: rtpSalt, ssrc: ssrc, high: rollover >> 16, low: rollover << 16 | UInt32(sequence))
    }

    /// IV = (0x0000 || SSRC || `high` (16 bits) || `low`) XOR salt, written in
    /// place (no array per packet).
    private func setIV(salt: UnsafeMutablePointer<UInt8>, ssrc: UInt32, high: UInt32, low: UInt32) {
        let iv = self.iv
        iv[0] = salt[0]
        iv[1] = salt[1]
        for i in 0..<4 {
            let shift = UInt32(24 - 8 * i)
            iv[2 + i] = UInt8(truncatingIfNeeded: ssrc >> shift) ^ salt[2 + i]
            iv[8 + i] = UInt8(truncatingIfNeeded: low >> shift) ^ salt[8 + i]
        }
        iv[6] = UInt8(truncatingIfNeeded: high >> 8) ^ salt[6]
        iv[7] = UInt8(truncatingIfNeeded: high) ^ salt[7]
    }

    // MARK: - RTCP (RFC 7714 §9)

    /// Encrypts an RTCP compound packet: its first 8 bytes stay clear, the
    /// rest is encrypted, then the tag and E-flag || SRTCP index follow.
    func protectRTCP(_ packet: UnsafeMutableRawBufferPointer, length: Int) throws(SRTPError) -> Int {
        guard length >= 8 else { throw .library(-2) }
        guard packet.count >= length + Self.tagLength + 4 else { throw .noRoom }
        let ssrc = Self.uint32(packet, at: 4)
        let index = rtcpStreams[ssrc, default: RTCPStream()].nextIndex
        rtcpStreams[ssrc, default: RTCPStream()].nextIndex = index == 0x7FFF_FFFF ? 1 : index + 1
        // E = 1 (encrypted), then the 31-bit index, after the tag (§9.1 figure).
        let trailer = 0x8000_0000 | index
        Self.setUInt32(trailer, in: packet, at: length + Self.tagLength)
        setRTCPIV(ssrc: ssrc, index: index)
        guard seal(rtcpCipher, packet, aad: 0..<8, extraAAD: length + Self.tagLength, text: 8..<length, tagAt: length) else {
            throw .library(-3)
        }
        return length + Self.tagLength + 4
    }

    /// Authenticates and decrypts an SRTCP packet in place; returns the RTCP length.
    func unprotectRTCP(_ packet: UnsafeMutableRawBufferPointer, length: Int) throws(SRTPError) -> Int {
        guard length >= 8 + Self.tagLength + 4 else { throw .library(-2) }
        let ssrc = Self.uint32(packet, at: 4)
        let trailer = Self.uint32(packet, at: length - 4)
        let index = trailer & 0x7FFF_FFFF
        let end = length - 4 - Self.tagLength
        guard rtcpStreams[ssrc]?.replay.check(Int64(index)) ?? .fresh == .fresh else { throw .replay }
        setRTCPIV(ssrc: ssrc, index: index)
        if trailer & 0x8000_0000 != 0 {
            guard open(rtcpCipher, packet, aad: 0..<8, extraAAD: length - 4, text: 8..<end, tagAt: end) else {
                throw .authenticationFailed
            }
        } else {
            // E = 0: authenticated only; the whole packet is additional data (§9.2).
            guard open(rtcpCipher, packet, aad: 0..<end, extraAAD: length - 4, text: end..<end, tagAt: end) else {
                throw .authenticationFailed
            }
        }
        rtcpStreams[ssrc, default: RTCPStream()].replay.record(Int64(index))
        return end
    }

    /// IV = (0x0000 || SSRC || 0x0000 || 0 || SRTCP index) XOR salt (RFC 7714 §9.1).
    private func setRTCPIV(ssrc: UInt32, index: UInt32) {
        setIV(salt: rtcpSalt, ssrc: ssrc, high: 0, low: index & 0x7FFF_FFFF)
    }

    // MARK: - AES-GCM

    /// Encrypts `text` in place with `aad` (and the 4 bytes at `extraAAD`)
    /// as additional data, and writes the tag at `tagAt`. With `plain`, the
    /// text from `plain.from` on is read from `plain.source` instead.
    private func seal(_ cipher: OpaquePointer, _ packet: UnsafeMutableRawBufferPointer, aad: Range<Int>, extraAAD: Int? = nil,
                      text: Range<Int>, plain: (source: UnsafeRawBufferPointer, from: Int)? = nil, tagAt: Int) -> Bool {
        guard let base = run(cipher, packet, aad: aad, extraAAD: extraAAD, text: text, plain: plain) else { return false }
        return parley_aes_gcm_seal(cipher, base + tagAt) == 1
    }

    /// Decrypts `text` in place and checks the tag at `tagAt`.
    private func open(_ cipher: OpaquePointer, _ packet: UnsafeMutableRawBufferPointer, aad: Range<Int>, extraAAD: Int? = nil,
                      text: Range<Int>, tagAt: Int) -> Bool {
        guard let base = run(cipher, packet, aad: aad, extraAAD: extraAAD, text: text, plain: nil) else { return false }
        return parley_aes_gcm_open(cipher, base + tagAt) == 1
    }

    /// Starts the cipher on the current IV and runs the additional data and
    /// `text` through it, into `packet`; the packet's first byte, or nil.
    private func run(_ cipher: OpaquePointer, _ packet: UnsafeMutableRawBufferPointer, aad: Range<Int>, extraAAD: Int?,
                     text: Range<Int>, plain: (source: UnsafeRawBufferPointer, from: Int)?) -> UnsafeMutablePointer<UInt8>? {
        guard let base = packet.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return nil }
        let split = min(max(plain?.from ?? text.upperBound, text.lowerBound), text.upperBound)
        guard parley_aes_gcm_start(cipher, iv) == 1,
              parley_aes_gcm_authenticate(cipher, base + aad.lowerBound, aad.count) == 1,
              extraAAD.map({ parley_aes_gcm_authenticate(cipher, base + $0, 4) == 1 }) ?? true,
              parley_aes_gcm_update(cipher, base + text.lowerBound, base + text.lowerBound, split - text.lowerBound) == 1
        else { return nil }
        if let source = plain?.source, split < text.upperBound {
            guard let from = source.baseAddress?.assumingMemoryBound(to: UInt8.self),
                  parley_aes_gcm_update(cipher, from + split, base + split, text.upperBound - split) == 1
            else { return nil }
        }
        return base
    }

    // MARK: - Bytes

    /// 12 bytes, the CSRCs and the header extension (RFC 3550 §5.1, §5.3.1);
    /// nil if they do not fit in `length`, or the fields saying how long they
    /// are lie beyond the `known` bytes at the front of `packet`.
    static func rtpHeaderLength(_ packet: UnsafeMutableRawBufferPointer, length: Int, known: Int? = nil) -> Int? {
        let known = min(known ?? length, length)
        guard length >= 12, known >= 12, length <= packet.count, packet[0] >> 6 == 2 else { return nil }
        var header = 12 + 4 * Int(packet[0] & 0x0F)
        if packet[0] & 0x10 != 0 {
            guard length >= header + 4, known >= header + 4 else { return nil }
            header += 4 + 4 * Int(uint16(packet, at: header + 2))
        }
        return header <= length ? header : nil
    }

    static func uint16(_ p: UnsafeMutableRawBufferPointer, at i: Int) -> UInt16 { UInt16(p[i]) << 8 | UInt16(p[i + 1]) }

    static func uint32(_ p: UnsafeMutableRawBufferPointer, at i: Int) -> UInt32 {
        UInt32(p[i]) << 24 | UInt32(p[i + 1]) << 16 | UInt32(p[i + 2]) << 8 | UInt32(p[i + 3])
    }

    static func setUInt32(_ v: UInt32, in p: UnsafeMutableRawBufferPointer, at i: Int) {
        p[i] = UInt8(v >> 24); p[i + 1] = UInt8(v >> 16 & 0xFF); p[i + 2] = UInt8(v >> 8 & 0xFF); p[i + 3] = UInt8(v & 0xFF)
    }
}
