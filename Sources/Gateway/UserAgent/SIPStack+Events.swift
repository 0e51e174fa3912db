import CSofiaSIP
import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Translation of nua events into `SIPEvent`s (sofia thread only).
extension SIPStack {
    func handle(
        event: nua_event_t, status: Int, phrase: String, handle nh: OpaquePointer?,
        sip: UnsafePointer<sip_t>?, tags: UnsafeMutablePointer<tagi_t>?
    ) {
        let call = nh.flatMap { callsByHandle[$0] }
        switch event {
        case nua_i_invite:
            if let call {
                agent.emit(.reinvite(call.id, sdp: Self.body(sip)))
            } else if let nh {
                incomingInvite(handle: nh, sip: sip)
            }
        case nua_i_ack:
            if let call { agent.emit(.acknowledged(call.id, sdp: Self.body(sip))) }
        case nua_i_cancel:
            // nua has answered 200 to the CANCEL and 487 to the INVITE (RFC 3261 §9.2).
            if let call { report(call, .cancelled(call.id)) }
        case nua_i_bye:
            call?.endReason = "remote BYE"
        case nua_r_bye:
            call?.endReason = call?.endReason ?? "local BYE"
            // A BYE that fails (no connection to the phone, no answer) ends
            // the call here all the same (RFC 3261 §15.1.1); say so.
            if status >= 300, let call {
                call.endReason = "local BYE, not confirmed: \(status) \(phrase)"
                logger.warning("BYE not confirmed", metadata: ["call": "\(call.id)", "status": "\(status)", "flow": "\(call.flow ?? "-")"])
            }
        case nua_i_info:
            if let call {
                agent.emit(.info(call.id, contentType: Self.string(parley_sip_content_type(sip)), body: Self.body(sip)))
            } else {
                dropUnknown(handle: nh)
            }
        case nua_i_state:
            if let call { callStateChanged(call, status: status, phrase: phrase, tags: tags) }
        case nua_r_invite:
            if let call { inviteResponse(call, status: status, phrase: phrase, sip: sip) }
        case nua_r_register:
            registerResponse(handle: nh, status: status, phrase: phrase, sip: sip)
        case nua_r_unregister:
            if status >= 200, let registration = registration(handle: nh) {
                nua_handle_destroy(registration.handle)
                registrations[registration.name] = nil
            }
        case nua_i_options:
            // In a call always 200; outside, 503 while this node takes no
            // new calls. The handle nua made for it is ours to free.
            if let nua, let nh { parley_nua_respond_options(nua, nh, call != nil || takesNewCalls ? 1 : 0) }
            if call == nil { dropUnknown(handle: nh) }
        case nua_r_refer:
            // The REFER's answer; a failure ends the transfer (RFC 3515 §2.4.2).
            if let call, status >= 200 {
                agent.emit(.transferProgress(call.id, status: status, phrase: phrase, final: status >= 300, reported: false))
            }
        case nua_i_notify where call != nil:
            if let call, Self.string(parley_sip_event_type(sip))?.lowercased() == "refer",
               let fragment = Self.body(sip), let line = SIPFragment(fragment) {
                agent.emit(.transferProgress(call.id, status: line.status, phrase: line.phrase, final: line.status >= 200,
                                             reported: true))
            }
        case nua_i_message, nua_i_subscribe, nua_i_refer, nua_i_publish, nua_i_notify, nua_i_method,
             nua_i_register:
            // Outside a call we accept nothing but INVITE and OPTIONS (RFC 3261 §21.4.6).
            if call == nil, let nua, let nh {
                parley_nua_respond_current(nua, nh, 405, "Method Not Allowed")
                dropUnknown(handle: nh)
            }
        case nua_r_get_params:
            startupFinished(tags: tags)
        case nua_r_shutdown:
            if status >= 200 { su_root_break(root) }
        case nua_i_error:
            logger.warning("nua error", metadata: ["status": "\(status)", "phrase": "\(phrase)"])
        default:
            logger.trace("nua event", metadata: [
                "event": "\(String(cString: nua_event_name(event)))", "status": "\(status)",
            ])
        }
    }

    private func dropUnknown(handle nh: OpaquePointer?) {
        guard let nh, let nua, nh != nua_default(nua), callsByHandle[nh] == nil,
              registration(handle: nh) == nil else { return }
        nua_handle_destroy(nh)
    }

    private func startupFinished(tags: UnsafeMutablePointer<tagi_t>?) {
        guard let startup else { return }
        self.startup = nil
        // The contact's port, unless it names the TLS transport: then the
        // configured one (a TLS configuration needs a fixed SIP port, checked
        // at start).
        let contactPort = Int(parley_tags_contact_port(tags))
        let port = contactPort > 0 ? contactPort : agent.configuration.port
        agent.setBoundPort(port)
        logger.info("SIP user agent listening", metadata: ["port": "\(port)"])
        startup.resume()
    }

    private func incomingInvite(handle nh: OpaquePointer, sip: UnsafePointer<sip_t>?) {
        let callID = Self.string(parley_sip_call_id(sip)) ?? ""
        let id = SIPCallID(serial: agent.nextSerial(), callID: callID)
        let call = Call(id: id, handle: nh, outgoing: false)
        call.callState = Int32(nua_callstate_received.rawValue)
        add(call)

        var address = [CChar](repeating: 0, count: 64)
        var proto: Int32 = 0
        var port: Int32 = -1
        if let nua { port = parley_current_source(nua, &address, address.count, &proto) }
        let via = Self.string(parley_sip_via_protocol(sip)) ?? ""
        let transport: String = switch proto {
        // TLS runs over TCP; the Via names it (RFC 3261 §18.2.1: the transport the request came on).
        case Int32(IPPROTO_TCP) where via.uppercased().hasSuffix("/TLS"): "tls"
        case Int32(IPPROTO_TCP): "tcp"
        case Int32(IPPROTO_UDP): "udp"
        default: via.split(separator: "/").last.map { $0.lowercased() } ?? "udp"
        }
        call.contact = contact(transport: transport, secureScheme: parley_sip_request_is_sips(sip) != 0)
        if transport != "udp", port > 0, case let host = Self.string(address), !host.isEmpty {
            // Over a connection, our BYE and REFER go back on the caller's
            // own connection, not a new one to its Contact.
            let flow = "sip:\(host.contains(":") ? "[\(host)]" : host):\(port);transport=\(transport)"
            call.flow = flow
            parley_nua_use_flow(nh, flow)
        }
        var uri = [CChar](repeating: 0, count: 1024)
        let fromURI = parley_sip_from_uri(sip, &uri, uri.count) == 0 ? Self.string(uri) : ""
        var extensionHeaders = [CChar](repeating: 0, count: 4096)
        _ = parley_sip_unknown_headers(sip, &extensionHeaders, extensionHeaders.count)
        var info = IncomingCall(
            requestURIUser: Self.string(parley_sip_request_user(sip)),
            requestURIHost: Self.string(parley_sip_request_host(sip)),
            fromURI: fromURI,
            fromUser: Self.string(parley_sip_from_user(sip)),
            fromDisplayName: Self.unquoted(Self.string(parley_sip_from_display(sip))),
            toUser: Self.string(parley_sip_to_user(sip)),
            remoteAddress: port >= 0 ? Self.string(address) : "",
            remotePort: Int(max(port, 0)),
            callID: callID,
            transport: transport,
            sdp: Self.body(sip),
            userAgent: Self.string(parley_sip_user_agent(sip)),
            headers: IncomingCall.headers(fromLines: Self.string(extensionHeaders))
        )
        var authorization = [CChar](repeating: 0, count: 2048)
        if parley_sip_authorization(sip, &authorization, authorization.count) > 0 {
            info.authorization = Self.string(authorization)
        }
        logger.debug("incoming INVITE", metadata: ["call": "\(id)", "from": "\(fromURI)"])
        agent.emit(.incomingCall(id, info))
    }

    private func callStateChanged(_ call: Call, status: Int, phrase: String, tags: UnsafeMutablePointer<tagi_t>?) {
        let state = parley_tags_callstate(tags)
        guard state >= 0 else { return }
        call.callState = state
        guard state == Int32(nua_callstate_terminated.rawValue) else { return }
        // RFC 4028 §10: an expired session timer shows up as a BYE we sent
        // (or a 408 on our refresh); either way the call is over.
        let reason = call.endReason ?? (status > 0 ? "\(status) \(phrase)" : phrase)
        report(call, .ended(call.id, reason: reason))
        remove(call)
    }

    private func inviteResponse(_ call: Call, status: Int, phrase: String, sip: UnsafePointer<sip_t>?) {
        switch status {
        case 180, 183:
            agent.emit(.outgoingProgress(call.id, status: status, sdp: Self.body(sip)))
        case 101..<200:
            break
        case 200..<300:
            agent.emit(.outgoingAnswered(call.id, sdp: Self.body(sip)))
        case 401, 407:
            if !call.authAttempted, let credentials = call.credentials ?? agent.configuration.credentials,
               let realm = Self.string(parley_sip_auth_realm(sip)) {
                call.authAttempted = true
                parley_nua_authenticate(call.handle, credentials.nuaAuth(realm: realm))
            } else {
                report(call, .outgoingFailed(call.id, status: status, phrase: phrase))
            }
        case 300...:
            report(call, .outgoingFailed(call.id, status: status, phrase: phrase))
        default:
            break
        }
    }

    private func registerResponse(handle nh: OpaquePointer?, status: Int, phrase: String, sip: UnsafePointer<sip_t>?) {
        guard var registration = registration(handle: nh) else { return }
        let name = registration.name
        switch status {
        case 200..<300:
            registration.authAttempted = false
            registrations[name] = registration
            let granted = parley_sip_register_expires(sip)
            agent.emit(.registered(trunk: name, expires: granted >= 0 ? Int(granted) : registration.expires))
        case 401, 407:
            if !registration.authAttempted, let realm = Self.string(parley_sip_auth_realm(sip)) {
                registration.authAttempted = true
                registrations[name] = registration
                parley_nua_authenticate(registration.handle, registration.credentials.nuaAuth(realm: realm))
            } else {
                agent.emit(.registrationFailed(trunk: name, status: status, phrase: phrase))
            }
        case 300...:
            agent.emit(.registrationFailed(trunk: name, status: status, phrase: phrase))
        default:
            break
        }
    }

    // MARK: - Helpers

    static func string(_ pointer: UnsafePointer<CChar>?) -> String? {
        pointer.map { String(cString: $0) }
    }

    static func string(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The message body as text (SDP, DTMF relay); nil when empty.
    static func body(_ sip: UnsafePointer<sip_t>?) -> String? {
        var length = 0
        guard let data = parley_sip_payload(sip, &length), length > 0 else { return nil }
        let bytes = UnsafeRawBufferPointer(start: data, count: length)
        return String(decoding: bytes, as: UTF8.self)
    }

    static func unquoted(_ display: String?) -> String? {
        guard var display, !display.isEmpty else { return nil }
        if display.count >= 2, display.hasPrefix("\""), display.hasSuffix("\"") {
            display = String(display.dropFirst().dropLast())
                .replacingOccurrences(of: "\\\"", with: "\"")
                .replacingOccurrences(of: "\\\\", with: "\\")
        }
        return display.trimmingCharacters(in: .whitespaces)
    }
}
