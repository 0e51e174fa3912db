import CSRTP
import Synchronization

/// One direction of SRTP/SRTCP (RFC 3711, RFC 7714), working in place on the
/// packet's own bytes: no copy on the forwarding path. AES-GCM (the profile
/// browsers pick) runs on OpenSSL (`AESGCMSRTP`); AES-CM/HMAC-SHA1 on
/// libsrtp2.
///
/// A transport holds two: `inbound` unprotects what the browser sends,
/// `outbound` protects what Parley sends. Not thread-safe; owned by one
/// transport on the media event loop.
public final class SRTPSession {
    /// Bytes a protected packet can grow by: the auth tag (10 for
    /// AES-CM/SHA1-80, 16 for GCM) plus SRTCP's 4-byte index.
    public static let maximumOverhead = 16 + 4 + 4

    public enum Direction: Sendable { case inbound, outbound }

    public let profile: SRTPProfile
    // Set once, at init: one or the other.
    private let session: srtp_t?
    private let gcm: AESGCMSRTP?

    /// `keyAndSalt` is the master key followed by the master salt.
    public convenience init(profile: SRTPProfile, keyAndSalt: [UInt8], direction: Direction) throws(SRTPError) {
        try self.init(profile: profile, keyAndSalt: keyAndSalt, direction: direction, libsrtpOnly: false)
    }

    /// `libsrtpOnly`: libsrtp for AES-GCM too (the tests check one against the other).
    init(profile: SRTPProfile, keyAndSalt: [UInt8], direction: Direction, libsrtpOnly: Bool) throws(SRTPError) {
        guard keyAndSalt.count == profile.keyLength + profile.saltLength else { throw .badKeyLength }
        if profile == .aeadAes128Gcm, !libsrtpOnly {
            self.profile = profile
            self.gcm = try AESGCMSRTP(keyAndSalt: keyAndSalt, encrypting: direction == .outbound)
            self.session = nil
            return
        }
        try SRTPSession.initializeLibrary()
        let libraryProfile: Int32 = profile == .aeadAes128Gcm
            ? Int32(PARLEY_SRTP_AEAD_AES_128_GCM.rawValue) : Int32(PARLEY_SRTP_AES128_CM_SHA1_80.rawValue)
        // libsrtp reads the key during srtp_create and keeps its own copy.
        var key = keyAndSalt + [UInt8](repeating: 0, count: 32)
        var created: srtp_t?
        let status = parley_srtp_create(&created, libraryProfile, &key, direction == .inbound ? 1 : 0)
        for i in key.indices { key[i] = 0 }
        guard status == srtp_err_status_ok, let created else { throw .library(Int(status.rawValue)) }
        self.profile = profile
        self.session = created
        self.gcm = nil
    }

    deinit { if let session { srtp_dealloc(session) } }

    /// Decrypts and authenticates an SRTP packet in place; returns the RTP length.
    public func unprotectRTP(_ packet: UnsafeMutableRawBufferPointer, length: Int) throws(SRTPError) -> Int {
        if let gcm { return try gcm.unprotectRTP(packet, length: length) }
        var len = Int32(length)
        let status = srtp_unprotect(session, packet.baseAddress, &len)
        guard status == srtp_err_status_ok else { throw SRTPError(status) }
        return Int(len)
    }

    /// Encrypts an RTP packet in place; `packet` must have `maximumOverhead`
    /// spare bytes after `length`. Returns the SRTP length.
    public func protectRTP(_ packet: UnsafeMutableRawBufferPointer, length: Int) throws(SRTPError) -> Int {
        if let gcm { return try gcm.protectRTP(packet, length: length) }
        guard packet.count >= length + SRTPSession.maximumOverhead else { throw .noRoom }
        var len = Int32(length)
        let status = srtp_protect(session, packet.baseAddress, &len)
        guard status == srtp_err_status_ok else { throw SRTPError(status) }
        return Int(len)
    }

    /// Protects an RTP packet held in two places: its first `copied` bytes
    /// (the header, perhaps rewritten) already in `packet`, the rest still in
    /// `source` at the same offsets (`source.count` is the packet's length).
    /// AES-GCM encrypts the rest straight from `source` into `packet`, which
    /// saves the forwarding path a copy of each payload; libsrtp, which works
    /// in place only, copies it first. Same room rule as `protectRTP`.
    public func protectRTP(_ packet: UnsafeMutableRawBufferPointer, copied: Int,
                           restOf source: UnsafeRawBufferPointer) throws(SRTPError) -> Int {
        if let gcm { return try gcm.protectRTP(packet, copied: copied, restOf: source) }
        guard copied <= source.count, packet.count >= source.count + SRTPSession.maximumOverhead else { throw .noRoom }
        UnsafeMutableRawBufferPointer(rebasing: packet[copied..<source.count])
            .copyMemory(from: UnsafeRawBufferPointer(rebasing: source[copied...]))
        return try protectRTP(packet, length: source.count)
    }

    /// Decrypts and authenticates an SRTCP packet in place; returns the RTCP length.
    public func unprotectRTCP(_ packet: UnsafeMutableRawBufferPointer, length: Int) throws(SRTPError) -> Int {
        if let gcm { return try gcm.unprotectRTCP(packet, length: length) }
        var len = Int32(length)
        let status = srtp_unprotect_rtcp(session, packet.baseAddress, &len)
        guard status == srtp_err_status_ok else { throw SRTPError(status) }
        return Int(len)
    }

    /// Encrypts an RTCP compound packet in place (same room rule as `protectRTP`).
    public func protectRTCP(_ packet: UnsafeMutableRawBufferPointer, length: Int) throws(SRTPError) -> Int {
        if let gcm { return try gcm.protectRTCP(packet, length: length) }
        guard packet.count >= length + SRTPSession.maximumOverhead else { throw .noRoom }
        var len = Int32(length)
        let status = srtp_protect_rtcp(session, packet.baseAddress, &len)
        guard status == srtp_err_status_ok else { throw SRTPError(status) }
        return Int(len)
    }

    private static let initialized = Mutex<Bool>(false)

    private static func initializeLibrary() throws(SRTPError) {
        let ok = initialized.withLock { done -> Bool in
            if done { return true }
            done = srtp_init() == srtp_err_status_ok
            return done
        }
        if !ok { throw .library(-1) }
    }
}

/// Why libsrtp refused a packet.
public enum SRTPError: Error, Equatable, Sendable {
    case authenticationFailed
    case replay
    case badKeyLength
    case noRoom
    case library(Int)

    init(_ status: srtp_err_status_t) {
        switch status {
        case srtp_err_status_auth_fail: self = .authenticationFailed
        case srtp_err_status_replay_fail, srtp_err_status_replay_old: self = .replay
        default: self = .library(Int(status.rawValue))
        }
    }
}
