import CSofiaSIP
import Logging

/// The state that lives on the sofia thread: the nua agent, live call
/// handles and the registration. Never touched from any other thread; the
/// public `SIPUserAgent` reaches it only through `perform`.
final class SIPStack {
    /// One live call (one nua handle we must destroy when it terminates).
    final class Call {
        let id: SIPCallID
        let handle: OpaquePointer
        let outgoing: Bool
        var callState: Int32 = Int32(nua_callstate_init.rawValue)
        /// The terminal event (.cancelled / .outgoingFailed / .ended) was emitted.
        var reported = false
        var authAttempted = false
        /// What a dial-out answers 401/407 with (its trunk's), else the agent's.
        var credentials: SIPCredentials?
        var endReason: String?
        /// We sent a 2xx to the INVITE. nua reports the state change as an
        /// event that may come after a hang-up asked for at once, and a 480
        /// after our 200 would be a response to a finished transaction.
        var answered = false
        /// Our Contact for this call when nua's own will not do (a call over TLS).
        var contact: String?
        /// Where the caller's TCP or TLS connection comes from, as a next-hop
        /// URI; our own requests of the call go there (`parley_nua_use_flow`).
        var flow: String?

        init(id: SIPCallID, handle: OpaquePointer, outgoing: Bool) {
            self.id = id
            self.handle = handle
            self.outgoing = outgoing
        }
    }

    /// One REGISTER handle (one per trunk) and the credentials for its challenges.
    struct Registration {
        let name: String
        let handle: OpaquePointer
        let credentials: SIPCredentials
        let expires: Int
        var authAttempted = false
    }

    let agent: SIPUserAgent
    let root: OpaquePointer
    let wakeReadFD: Int32
    var nua: OpaquePointer?
    var startup: CheckedContinuation<Void, any Error>?
    var calls: [UInt64: Call] = [:]
    var callsByHandle: [OpaquePointer: Call] = [:]
    /// By trunk name.
    var registrations: [String: Registration] = [:]
    var shuttingDown = false
    /// False on a cordoned or draining cluster node: OPTIONS probes get 503.
    var takesNewCalls = true

    var logger: Logger { agent.logger }

    init(agent: SIPUserAgent, root: OpaquePointer, wakeReadFD: Int32) {
        self.agent = agent
        self.root = root
        self.wakeReadFD = wakeReadFD
    }

    func add(_ call: Call) {
        calls[call.id.serial] = call
        callsByHandle[call.handle] = call
    }

    /// Forgets a terminated call and releases its handle (nua hands the
    /// handle of an incoming call to the application, which must destroy it).
    func remove(_ call: Call) {
        calls[call.id.serial] = nil
        callsByHandle[call.handle] = nil
        nua_handle_destroy(call.handle)
    }

    /// Emits the call's single terminal event, unless one was already sent.
    func report(_ call: Call, _ event: SIPEvent) {
        guard !call.reported else { return }
        call.reported = true
        agent.emit(event)
    }

    /// nua_shutdown terminates calls and registrations; nua_r_shutdown then breaks the loop.
    func shutdown() {
        guard !shuttingDown, let nua else { return }
        shuttingDown = true
        if let pending = startup {
            startup = nil
            pending.resume(throwing: SIPUserAgentError.startFailed("stopped during start"))
        }
        nua_shutdown(nua)
    }
}

// MARK: - Contact

extension SIPStack {
    /// Our Contact for a dialog over `transport` ("udp", "tcp", "tls"), or
    /// nil for nua's own. With TLS on, nua would give every dialog the TLS
    /// transport's `sips:` URI, which a phone that called `sip:` over UDP
    /// cannot use (baresip ends the call with ENOSYS); so each dialog gets a
    /// Contact of the transport it runs on, `sips:` only for a `sips:`
    /// request (RFC 3261 §8.1.1.8, §19.1.4).
    func contact(transport: String, secureScheme: Bool) -> String? {
        let configuration = agent.configuration
        guard let tls = configuration.tls else { return nil }
        let host = SIPUserAgentConfiguration.uriHost(configuration.contactHost ?? configuration.host)
        let port = agent.boundPort
        switch transport {
        case "tls": return secureScheme ? "<sips:\(host):\(tls.port)>" : "<sip:\(host):\(tls.port);transport=tls>"
        case "tcp": return "<sip:\(host):\(port);transport=tcp>"
        default: return "<sip:\(host):\(port)>"
        }
    }
}

// MARK: - Actions (sofia thread)

extension SIPStack {
    func respond(serial: UInt64, status: Int, phrase: String, sdp: String?, headers: String?) {
        guard let call = calls[serial] else {
            logger.debug("respond to unknown call ignored", metadata: ["serial": "\(serial)"])
            return
        }
        if (200..<300).contains(status) { call.answered = true }
        parley_nua_respond(call.handle, Int32(clamping: status), phrase, sdp, headers, call.contact)
    }

    /// BYE once a dialog is confirmed (or our 2xx awaits its ACK, RFC 3261
    /// §15), CANCEL an outgoing call still ringing (§9.1), and a final 480
    /// for an incoming call not yet answered.
    func hangUp(serial: UInt64) {
        guard let call = calls[serial] else { return }
        switch call.callState {
        case Int32(nua_callstate_received.rawValue) where !call.answered,
             Int32(nua_callstate_early.rawValue) where !call.answered:
            parley_nua_respond(call.handle, 480, "Temporarily Unavailable", nil, nil, call.contact)
        case Int32(nua_callstate_calling.rawValue), Int32(nua_callstate_proceeding.rawValue),
             Int32(nua_callstate_authenticating.rawValue):
            parley_nua_cancel(call.handle)
        case Int32(nua_callstate_init.rawValue) where call.outgoing:
            parley_nua_cancel(call.handle)
        case Int32(nua_callstate_terminating.rawValue), Int32(nua_callstate_terminated.rawValue):
            break
        default:
            call.endReason = call.endReason ?? "local BYE"
            parley_nua_bye(call.handle)
        }
    }

    func invite(id: SIPCallID, to: String, from: String, sdp: String, credentials: SIPCredentials?) {
        guard let nua, !shuttingDown else { return }
        guard let handle = parley_nua_handle(nua, to, from, id.callID) else {
            agent.emit(.outgoingFailed(id, status: 500, phrase: "Cannot create handle"))
            return
        }
        let call = Call(id: id, handle: handle, outgoing: true)
        call.credentials = credentials
        let target = to.lowercased()
        call.contact = contact(transport: target.contains(";transport=tls") || target.hasPrefix("<sips:") ? "tls"
                               : target.contains(";transport=tcp") ? "tcp" : "udp",
                               secureScheme: target.hasPrefix("<sips:"))
        add(call)
        parley_nua_invite(handle, sdp, call.contact)
    }

    func refer(serial: UInt64, to referTo: String) {
        guard let call = calls[serial], !shuttingDown else { return }
        parley_nua_refer(call.handle, referTo)
    }

    func register(name: String, registrar: String, aor: String, credentials: SIPCredentials, expires: Int) {
        guard let nua, !shuttingDown else { return }
        if let old = registrations.removeValue(forKey: name) {
            nua_handle_destroy(old.handle)
        }
        guard let handle = parley_nua_handle(nua, aor, aor, nil) else {
            agent.emit(.registrationFailed(trunk: name, status: 500, phrase: "Cannot create handle"))
            return
        }
        registrations[name] = Registration(name: name, handle: handle, credentials: credentials, expires: expires)
        parley_nua_register(handle, registrar, credentials.username, String(expires))
    }

    func unregister(name: String?) {
        for registration in registrations.values where name == nil || registration.name == name {
            parley_nua_unregister(registration.handle)
        }
    }

    /// The registration a nua handle belongs to.
    func registration(handle: OpaquePointer?) -> Registration? {
        guard let handle else { return nil }
        return registrations.values.first { $0.handle == handle }
    }
}
