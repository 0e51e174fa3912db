import NIOCore
import NIOPosix
import RTP
import SFU

/// One simulated browser peer connection (publish or subscribe): a UDP
/// socket of its own, the controlling ICE agent, a DTLS client, SRTP, and
/// the publisher's or subscriber's media logic. It lives on one event loop
/// and is only touched there (`NIOLoopBound` outside); the channel handler
/// and the timer only hand it datagrams and ticks.
public final class ClientPeerConnection {
    public enum Role: Sendable { case publish, subscribe }

    public let role: Role
    public let eventLoop: any EventLoop
    public let localUfrag: String
    public let localPassword: String
    let clock: LoadClock
    let dtlsContext: DTLSContext
    var channel: (any Channel)?
    public private(set) var localAddress: STUNAddress?

    public private(set) var ice: ICEControllingAgent?
    var dtls: DTLSSession?
    var srtpOut: SRTPSession?
    var srtpIn: SRTPSession?
    var remote: STUNAddress?
    var timer: RepeatedTask?

    public var publisher: PublisherMedia?
    public var subscriber: SubscriberMedia?
    /// When ICE selected a pair and when DTLS finished (clock seconds).
    public private(set) var iceConnectedAt: Double?
    public private(set) var dtlsConnectedAt: Double?
    public private(set) var failure: String?
    var srtpErrors = 0
    /// Why incoming packets failed to unprotect, e.g. "SRTP replay": 3.
    public private(set) var unprotectErrors: [String: Int] = [:]

    init(role: Role, eventLoop: any EventLoop, clock: LoadClock, dtlsContext: DTLSContext) {
        self.role = role
        self.eventLoop = eventLoop
        self.clock = clock
        self.dtlsContext = dtlsContext
        localUfrag = Self.randomICEString(length: 8)
        localPassword = Self.randomICEString(length: 24)
    }

    /// Opens a UDP socket on `sockets.host` (port chosen by the system) and
    /// makes the connection on that channel's loop.
    public static func open(role: Role, sockets: ClientSocketSettings, group: any EventLoopGroup, clock: LoadClock,
                            dtlsContext: DTLSContext) async throws -> NIOLoopBound<ClientPeerConnection> {
        let loop = group.next()
        let channel = try await sockets.bootstrap(on: loop).bind(host: sockets.host, port: 0).get()
        return try await loop.submit {
            let connection = ClientPeerConnection(role: role, eventLoop: loop, clock: clock, dtlsContext: dtlsContext)
            connection.channel = channel
            if let local = channel.localAddress, let ip = local.ipAddress, let port = local.port {
                connection.localAddress = STUNAddress(string: ip, port: UInt16(port))
            }
            try channel.pipeline.syncOperations.addHandler(ClientDatagramHandler(connection: connection))
            return NIOLoopBound(connection, eventLoop: loop)
        }.get()
    }

    /// `a=candidate` value of our one host candidate (RFC 8839 §5.1).
    public var candidateAttribute: String? {
        guard let localAddress else { return nil }
        return "1 1 udp 2122260223 \(localAddress.hostDescription) \(localAddress.port) typ host generation 0"
    }

    /// Starts ICE and DTLS towards the server's transport from its SDP. A
    /// second call (a renegotiation with the same transport) changes nothing.
    public func start(remote transport: RemoteTransport, nomination: ICEControllingAgent.Nomination = .aggressive) {
        eventLoop.assertInEventLoop()
        guard ice == nil else { return }
        var agent = ICEControllingAgent(localUfrag: localUfrag, localPassword: localPassword,
                                        remoteUfrag: transport.ufrag, remotePassword: transport.password,
                                        nomination: nomination)
        for candidate in transport.candidates { agent.addRemoteCandidate(candidate.address, priority: candidate.priority) }
        ice = agent
        do {
            // Parley answers passive or offers actpass, so we are the client;
            // Janus answers active, so we are the server (RFC 8842 §5.2).
            let session = try DTLSSession(context: dtlsContext, role: transport.setup == "active" ? .server : .client)
            // RFC 8122 §5, RFC 8827 §6.5: the handshake fails unless the
            // server's certificate matches the fingerprint from its SDP.
            _ = session.setRemoteFingerprint(algorithm: transport.fingerprint.algorithm, bytes: transport.fingerprint.bytes)
            dtls = session
        } catch {
            failure = "DTLS: \(error)"
        }
        let loop = eventLoop
        let bound = NIOLoopBound(self, eventLoop: loop)
        timer = loop.scheduleRepeatedTask(initialDelay: .zero, delay: .milliseconds(10)) { _ in bound.value.tick() }
    }

    /// Stops timers and closes the socket (a DTLS close_notify first).
    public func close() {
        eventLoop.assertInEventLoop()
        timer?.cancel()
        timer = nil
        if let dtls, let remote { for datagram in dtls.close().datagrams { write(datagram, to: remote) } }
        ice?.close()
        channel?.flush()
        channel?.close(promise: nil)
        channel = nil
    }

    public var isConnected: Bool { dtlsConnectedAt != nil }

    // MARK: - Time

    func tick() {
        let now = ContinuousClock.now
        if var agent = ice {
            let (transmits, events) = agent.poll(now: now)
            ice = agent
            for t in transmits { write(t.bytes, to: t.destination) }
            handle(events)
        }
        if let dtls, dtls.state == .handshaking, remote != nil, let ms = dtls.timeoutMilliseconds, ms <= 10 {
            send(dtls.handleTimeout())
        }
        if srtpOut != nil, let remote {
            let seconds = clock.seconds(now)
            if var media = publisher {
                for packet in media.due(now: now, sendTime: seconds) { sendRTP(packet, to: remote) }
                if let reports = media.senderReports(now: now, ntp: LoadClock.ntpNow()) { sendRTCP(reports, to: remote) }
                publisher = media
            }
            if var media = subscriber {
                for compound in media.feedback(now: seconds) { sendRTCP(compound, to: remote) }
                subscriber = media
            }
        }
        channel?.flush()
    }

    func handle(_ events: [ICEControllingAgent.Event]) {
        for event in events {
            switch event {
            case .selected(let address):
                remote = address
                iceConnectedAt = clock.seconds()
                if let dtls, dtls.role == .client { send(dtls.start()) }
            case .consentExpired:
                failure = "ICE consent expired"
            case .failed:
                failure = "ICE failed"
            case .roleChanged:
                break
            }
        }
    }

    // MARK: - Datagrams (RFC 7983 §7 demultiplexing by the first byte)

    func receive(_ buffer: ByteBuffer, from source: SocketAddress) {
        guard let first = buffer.readableBytesView.first else { return }
        switch first {
        case 0...3:
            guard var agent = ice, let ip = source.ipAddress, let port = source.port,
                  let address = STUNAddress(string: ip, port: UInt16(port)) else { return }
            let outcome = buffer.withUnsafeReadableBytes { agent.handle($0, from: address, now: .now) }
            ice = agent
            if let response = outcome.response { write(response, to: address) }
            handle(outcome.events)
        case 20...63:
            guard let dtls else { return }
            // As DTLS server the peer's ClientHello may beat our ICE selection.
            if remote == nil, let ip = source.ipAddress, let port = source.port {
                remote = STUNAddress(string: ip, port: UInt16(port))
            }
            send(buffer.withUnsafeReadableBytes { dtls.receive($0) })
        case 128...191:
            receiveSRTP(buffer)
        default:
            return
        }
        channel?.flush()
    }

    func send(_ outcome: DTLSSession.Outcome) {
        if let remote { for datagram in outcome.datagrams { write(datagram, to: remote) } }
        switch outcome.event {
        case .connected(let keys):
            do {
                srtpOut = try SRTPSession(profile: keys.profile, keyAndSalt: keys.localKeyAndSalt, direction: .outbound)
                srtpIn = try SRTPSession(profile: keys.profile, keyAndSalt: keys.remoteKeyAndSalt, direction: .inbound)
                dtlsConnectedAt = clock.seconds()
            } catch {
                failure = "SRTP: \(error)"
            }
        case .failed(let error):
            failure = "DTLS: \(error)"
        case .closed:
            failure = failure ?? "DTLS closed by the server"
        case nil:
            break
        }
    }

    func receiveSRTP(_ buffer: ByteBuffer) {
        guard let srtpIn else { return }
        var bytes = Array(buffer.readableBytesView)
        guard bytes.count >= 12 else { return }
        // RFC 5761 §4: payload types 64-95 with the marker bit are RTCP 192-223.
        let isRTCP = (192...223).contains(bytes[1])
        let seconds = clock.seconds()
        do {
            if isRTCP {
                let length = try bytes.withUnsafeMutableBytes { try srtpIn.unprotectRTCP($0, length: $0.count) }
                bytes.withUnsafeBytes { raw in
                    let compound = UnsafeRawBufferPointer(rebasing: raw[0..<length])
                    if var media = publisher, let remote {
                        for packet in media.handleRTCP(compound, sendTime: seconds) { sendRTP(packet, to: remote) }
                        publisher = media
                    }
                    subscriber?.handleRTCP(compound, now: seconds)
                }
            } else {
                let length = try bytes.withUnsafeMutableBytes { try srtpIn.unprotectRTP($0, length: $0.count) }
                bytes.withUnsafeBytes { raw in
                    subscriber?.receive(UnsafeRawBufferPointer(rebasing: raw[0..<length]), now: seconds, sendTime: seconds)
                }
            }
        } catch {
            srtpErrors += 1
            unprotectErrors["\(isRTCP ? "SRTCP" : "SRTP") \(error)", default: 0] += 1
        }
    }

    /// Protects and sends an RTP packet built with SRTP room at its end.
    func sendRTP(_ packet: [UInt8], to destination: STUNAddress) {
        guard let srtpOut else { return }
        var bytes = packet
        let plain = bytes.count - SRTPSession.maximumOverhead
        guard let length = try? bytes.withUnsafeMutableBytes({ try srtpOut.protectRTP($0, length: plain) }) else {
            srtpErrors += 1
            return
        }
        write(bytes[0..<length], to: destination)
    }

    func sendRTCP(_ compound: [UInt8], to destination: STUNAddress) {
        guard let srtpOut else { return }
        var bytes = compound + [UInt8](repeating: 0, count: SRTPSession.maximumOverhead)
        guard let length = try? bytes.withUnsafeMutableBytes({ try srtpOut.protectRTCP($0, length: compound.count) }) else {
            srtpErrors += 1
            return
        }
        write(bytes[0..<length], to: destination)
    }

    func write(_ bytes: some Collection<UInt8>, to destination: STUNAddress) {
        guard let channel, let address = try? SocketAddress(ipAddress: destination.hostDescription, port: Int(destination.port)) else {
            return
        }
        let buffer = channel.allocator.buffer(bytes: bytes)
        channel.write(AddressedEnvelope(remoteAddress: address, data: buffer), promise: nil)
    }

    /// ice-chars (RFC 8839 §5.4): letters and digits are enough.
    static func randomICEString(length: Int) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        return String((0..<length).map { _ in alphabet.randomElement()! })
    }
}
