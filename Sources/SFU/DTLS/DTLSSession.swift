import COpenSSL

/// One DTLS association over ICE (RFC 5764, RFC 8827): OpenSSL with a memory
/// BIO for input and a datagram-preserving BIO for output, so the session is a
/// state machine fed with records and returning datagrams, with no socket.
///
/// Parley is always the DTLS server (it answers `a=setup:passive` and offers
/// `actpass`); the client role exists for tests. Not thread-safe: a session
/// belongs to one transport on the media event loop.
public final class DTLSSession {
    public enum Role: Sendable { case server, client }
    public enum State: Sendable, Equatable { case handshaking, connected, failed, closed }

    /// What feeding the session produced.
    public struct Outcome {
        /// Datagrams to send to the peer, in order.
        public var datagrams: [[UInt8]] = []
        /// Set when the handshake completed (once), or the session failed or closed.
        public var event: Event?
    }
    public enum Event: Sendable, Equatable {
        case connected(SRTPKeyingMaterial)
        case failed(DTLSError)
        case closed
    }

    public let role: Role
    public private(set) var state: State = .handshaking
    /// The fingerprint from the peer's SDP; the handshake fails unless the peer's certificate matches (RFC 8827 §6.5).
    public private(set) var expectedRemoteFingerprint: (algorithm: String, bytes: [UInt8])?
    /// Keys of a handshake that finished before signaling delivered the peer's
    /// fingerprint (a browser's answer can trail its DTLS flight); held back
    /// until `setRemoteFingerprint` verifies the certificate.
    private var unverified: (certificate: OpaquePointer, keys: SRTPKeyingMaterial)?

    private let ssl: OpaquePointer
    private let readBIO: OpaquePointer
    private let queue: UnsafeMutablePointer<parley_datagram_queue>

    public init(context: DTLSContext, role: Role, mtu: Int = 1200) throws(DTLSError) {
        guard let ssl = SSL_new(context.context) else { throw .openSSL(DTLSError.lastOpenSSLError()) }
        guard let queue = parley_queue_new() else { SSL_free(ssl); throw .openSSL("out of memory") }
        guard let rbio = BIO_new(BIO_s_mem()), let wbio = parley_queue_bio(DTLSSession.queueMethod.pointer, queue) else {
            SSL_free(ssl); parley_queue_free(queue)
            throw .openSSL(DTLSError.lastOpenSSLError())
        }
        // An empty read BIO means "wait for more", not end of file.
        parley_bio_set_mem_eof_return(rbio, -1)
        SSL_set_bio(ssl, rbio, wbio)
        parley_ssl_set_mtu(ssl, mtu)
        switch role {
        case .server: SSL_set_accept_state(ssl)
        case .client: SSL_set_connect_state(ssl)
        }
        self.ssl = ssl
        self.readBIO = rbio
        self.queue = queue
        self.role = role
    }

    /// Sets the fingerprint from the peer's SDP. If the handshake already
    /// finished, verifies it now and returns the resulting event.
    public func setRemoteFingerprint(algorithm: String, bytes: [UInt8]) -> Event? {
        expectedRemoteFingerprint = (algorithm, bytes)
        guard let pending = unverified else { return nil }
        unverified = nil
        defer { X509_free(pending.certificate) }
        var outcome = Outcome()
        if verify(pending.certificate, &outcome) {
            state = .connected
            return .connected(pending.keys)
        }
        return outcome.event
    }

    /// The process's one BIO method for outgoing datagrams (never freed).
    private struct QueueMethod: @unchecked Sendable { let pointer: OpaquePointer? }
    private static let queueMethod = QueueMethod(pointer: parley_queue_method_new())

    deinit {
        if let pending = unverified { X509_free(pending.certificate) }
        SSL_free(ssl)          // frees both BIOs
        parley_queue_free(queue)
    }

    /// Client role: the first flight (ClientHello).
    public func start() -> Outcome {
        var outcome = Outcome()
        advance(&outcome)
        return outcome
    }

    /// Feeds one datagram of DTLS records from the peer.
    public func receive(_ datagram: UnsafeRawBufferPointer) -> Outcome {
        var outcome = Outcome()
        guard state == .handshaking || state == .connected, datagram.count > 0 else { return outcome }
        _ = BIO_write(readBIO, datagram.baseAddress, Int32(datagram.count))
        advance(&outcome)
        return outcome
    }

    /// Milliseconds until `handleTimeout()` should be called (handshake
    /// retransmission, RFC 6347 §4.2.4), or nil when no timer runs.
    public var timeoutMilliseconds: Int? {
        guard state == .handshaking else { return nil }
        let ms = parley_dtls_timeout_ms(ssl)
        return ms < 0 ? nil : ms
    }

    /// Retransmits the last flight if its timer expired.
    public func handleTimeout() -> Outcome {
        var outcome = Outcome()
        guard state == .handshaking else { return outcome }
        if parley_dtls_handle_timeout(ssl) < 0 {
            fail(&outcome, .handshakeFailed("handshake timed out"))
        }
        drain(&outcome)
        return outcome
    }

    /// Sends close_notify (RFC 6347 inherits TLS's closure alerts).
    public func close() -> Outcome {
        var outcome = Outcome()
        if state == .connected { _ = SSL_shutdown(ssl) }
        state = .closed
        drain(&outcome)
        return outcome
    }

    // MARK: - Internals

    private func advance(_ outcome: inout Outcome) {
        if state == .handshaking {
            let r = SSL_do_handshake(ssl)
            if r == 1 {
                finishHandshake(&outcome)
            } else {
                let err = SSL_get_error(ssl, r)
                if err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE {
                    fail(&outcome, .handshakeFailed(DTLSError.lastOpenSSLError(sslError: err)))
                }
            }
        }
        if state == .connected {
            // Application data is not used (no data channels); reading
            // processes alerts such as close_notify.
            var scratch = [UInt8](repeating: 0, count: 2048)
            while true {
                let n = SSL_read(ssl, &scratch, Int32(scratch.count))
                if n > 0 { continue }
                let err = SSL_get_error(ssl, n)
                if err == SSL_ERROR_ZERO_RETURN || (SSL_get_shutdown(ssl) & SSL_RECEIVED_SHUTDOWN) != 0 {
                    state = .closed
                    outcome.event = .closed
                } else if err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE {
                    ERR_clear_error()
                }
                break
            }
        }
        drain(&outcome)
    }

    private func finishHandshake(_ outcome: inout Outcome) {
        guard let peer = SSL_get1_peer_certificate(ssl) else {
            fail(&outcome, .handshakeFailed("peer sent no certificate")); return
        }
        var keepPeer = false
        defer { if !keepPeer { X509_free(peer) } }
        if expectedRemoteFingerprint != nil {
            guard verify(peer, &outcome) else { return }
        }
        guard let profile = SRTPProfile(rawValue: UInt16(truncatingIfNeeded: parley_srtp_profile_id(ssl))) else {
            fail(&outcome, .noSRTPProfile); return
        }
        // RFC 5764 §4.2: client key, server key, client salt, server salt.
        let k = profile.keyLength, s = profile.saltLength
        var material = [UInt8](repeating: 0, count: 2 * (k + s))
        let label = "EXTRACTOR-dtls_srtp"
        let ok = label.withCString { cLabel in
            SSL_export_keying_material(ssl, &material, material.count, cLabel, label.utf8.count, nil, 0, 0)
        }
        guard ok == 1 else { fail(&outcome, .openSSL(DTLSError.lastOpenSSLError())); return }
        let clientKey = material[0..<k], serverKey = material[k..<2 * k]
        let clientSalt = material[2 * k..<2 * k + s], serverSalt = material[2 * k + s..<2 * k + 2 * s]
        let client = Array(clientKey) + Array(clientSalt)
        let server = Array(serverKey) + Array(serverSalt)
        let keys = SRTPKeyingMaterial(
            profile: profile,
            localKeyAndSalt: role == .server ? server : client,
            remoteKeyAndSalt: role == .server ? client : server)
        if expectedRemoteFingerprint == nil {
            // Without a fingerprint from signaling, anyone on the path could
            // complete the handshake: hold the keys until it arrives (RFC 8827 §6.5).
            keepPeer = true
            unverified = (peer, keys)
            state = .connected
            return
        }
        state = .connected
        outcome.event = .connected(keys)
    }

    private func verify(_ peer: OpaquePointer, _ outcome: inout Outcome) -> Bool {
        guard let expected = expectedRemoteFingerprint else { return false }
        guard let digest = DTLSCertificate.digest(of: peer, algorithm: expected.algorithm) else {
            fail(&outcome, .unsupportedFingerprintAlgorithm(expected.algorithm)); return false
        }
        guard digest == expected.bytes else { fail(&outcome, .fingerprintMismatch); return false }
        return true
    }

    private func fail(_ outcome: inout Outcome, _ error: DTLSError) {
        state = .failed
        outcome.event = .failed(error)
        ERR_clear_error()
    }

    private func drain(_ outcome: inout Outcome) {
        let count = parley_queue_count(queue)
        guard count > 0 else { return }
        for i in 0..<count {
            var length = 0
            let p = parley_queue_datagram(queue, Int32(i), &length)!
            outcome.datagrams.append(Array(UnsafeBufferPointer(start: p, count: length)))
        }
        parley_queue_clear(queue)
    }
}
