import Foundation
import NIOCore
import Rooms

extension GatewayEngine {
    /// Most direct dials whose code may be looked up at once: each costs a
    /// directory query but no call state; past it, 503 like a full gateway.
    static let maxPendingDials = 64

    /// A new INVITE, in the order that costs least for what is refused: the
    /// source's rate, the dialplan (a `reject` needs nothing more), the
    /// meeting of a direct dial (404 before any call state or RTP port
    /// exists), then the count and the loop's headroom; only then a call,
    /// its machine and its port.
    func incoming(_ id: SIPCallID, _ invite: IncomingCall) {
        metrics.count("invites")
        // Scanners first: a flood from one address gets nothing more than this.
        guard loops.allowInvite(source: invite.remoteAddress) else {
            metrics.count("rate_limited")
            metrics.refused("rate_limited", explanation: "too many INVITEs from one address (sip.invites_per_minute)",
                            source: invite.remoteAddress)
            userAgent.respond(id, status: 503, phrase: "Service Unavailable", headers: ["Retry-After": "60"])
            return
        }
        // Then whether a trunk vouches for it, or it may come in directly.
        let trunk: String?
        switch loops.trunks.inbound(source: invite.remoteAddress, dialled: [invite.requestURIUser, invite.toUser].compactMap { $0 },
                                    authorization: invite.authorization.flatMap(DigestAuthorization.init(headerValue:)),
                                    challenger: loops.challenger, now: Date()) {
        case .admit(let name):
            trunk = name
        case .challenge(let values):
            // RFC 3261 §22.1: a UAS challenges with 401 and WWW-Authenticate,
            // one per algorithm (RFC 8760 §2.4).
            metrics.count("challenged")
            userAgent.respond(id, status: 401, phrase: "Unauthorized", headerList: values.map { (key: "WWW-Authenticate", value: $0) })
            return
        case .forbid(let reason):
            metrics.refused("forbidden", explanation: reason, source: invite.remoteAddress, status: 403)
            userAgent.respond(id, status: 403, phrase: "Forbidden")
            return
        }
        var invite = invite
        invite.trunk = trunk
        let route = dialplan.route(DialedCall(user: invite.requestURIUser ?? "", to: invite.toUser ?? "", from: invite.fromUser ?? "",
                                            headers: invite.headers))
        logger.info("incoming call", metadata: ["call": "\(id)", "from": "\(invite.fromUser ?? "?")",
                                                "dialled": "\(invite.requestURIUser ?? "?")", "route": "\(route)",
                                                "trunk": "\(trunk ?? "none")"])
        switch route.decision {
        case .reject(let status, let reason):
            // Refused by the dialplan: no call to keep.
            userAgent.respond(id, status: status, phrase: reason)
        case .join(let code):
            guard pendingDials.count < Self.maxPendingDials else {
                refuse(id, .lookups, source: invite.remoteAddress)
                return
            }
            pendingDials[id] = invite
            loops.assign(id, to: index)
            lookUpFirst(code, for: id, route: route.decision)
        case .prompt:
            admit(id, invite, route: route.decision, found: nil)
        }
    }

    /// Looks a dialled code up before anything of the call exists: an
    /// unknown code is answered 404 (RFC 3261 §21.4.5) from here, as cheaply
    /// as a dialplan `reject`. A failed lookup counts as no such meeting.
    private func lookUpFirst(_ code: String, for id: SIPCallID, route: DialplanDecision) {
        let directory = self.directory
        let handle = self.handle
        let rooms = self.rooms
        Task {
            let meeting = (try? await directory.meeting(dialInCode: code)) ?? nil
            // Where the meeting's room runs, in a cluster. A meeting another
            // node runs gets 302 naming that node's gateway (RFC 3261
            // §21.3.3), which Kamailio in front follows; a cordoned or
            // draining node starts no rooms, so a call to a meeting it does
            // not carry gets 503 before it is answered and a dispatcher in
            // front tries another node.
            let location = await rooms.locationForCall(to: meeting?.meetingID)
            let otherGateway = location.remoteNode?.sipAddress ?? ""
            let notHere = location != .here
            handle.later { engine in
                // Gone meanwhile (CANCEL): nothing to answer.
                guard let invite = engine.pendingDials.removeValue(forKey: id) else { return }
                if !otherGateway.isEmpty {
                    engine.loops.forget(id)
                    engine.metrics.count("moved_to_node")
                    engine.userAgent.respond(id, status: 302, phrase: "Moved Temporarily",
                                             headers: ["Contact": "<sip:\(GatewayEngine.redirectUser(invite.requestURIUser, code: code))@\(otherGateway)>"])
                    return
                }
                if notHere {
                    engine.loops.forget(id)
                    engine.metrics.refused("not_starting_meetings", explanation: "this node starts no new meetings (cordoned or draining)",
                                           source: invite.remoteAddress)
                    engine.userAgent.respond(id, status: 503, phrase: "Service Unavailable", headers: ["Retry-After": "5"])
                    return
                }
                guard let meeting else {
                    engine.loops.forget(id)
                    engine.metrics.count("unknown_meeting")
                    let refusal = CallRefusal.unknownMeeting.sipRefusal ?? (404, "Not Found")
                    engine.userAgent.respond(id, status: refusal.status, phrase: refusal.phrase)
                    return
                }
                // The meeting's callers are mixed on another loop: the call
                // goes there before any of it exists (no port, no machine yet).
                let other = engine.loops.mixer(for: meeting.meetingID, claimingFor: engine.index)
                if other != engine.index, engine.loops.engines.indices.contains(other) {
                    engine.loops.assign(id, to: other)
                    let target = engine.loops.engines[other]
                    target.eventLoop.execute { target.value.admit(id, invite, route: route, found: meeting) }
                    return
                }
                engine.admit(id, invite, route: route, found: meeting)
            }
        }
    }

    /// The user part of a 302's Contact: what the caller dialled, so the
    /// other node's dialplan sees the same call, unless it holds anything
    /// beyond RFC 3261's unescaped user characters (§25.1); then the code.
    static func redirectUser(_ dialled: String?, code: String) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.!~*'()&=+$,;?/")
        guard let dialled, !dialled.isEmpty, dialled.allSatisfy(allowed.contains) else { return code }
        return dialled
    }

    /// Callers in the code prompt who came without a meeting: the ones
    /// `sip.max_prompt_calls` counts (anyone can make such a call).
    var promptCalls: Int {
        calls.values.reduce(0) { n, call in
            let waiting = call.machine.route == .prompt && (call.stage == .answering || call.stage == .prompting)
            return waiting ? n + 1 : n
        }
    }

    /// Admits the call by count and headroom, or refuses it with 503; an
    /// admitted call gets its machine, its RTP port and our SDP.
    func admit(_ id: SIPCallID, _ invite: IncomingCall, route: DialplanDecision, found: DialInMeeting?) {
        if let refusal = admission.decide(calls: calls.count, promptCalls: promptCalls, toPrompt: route == .prompt,
                                          load: load, now: now) {
            loops.forget(id)
            refuse(id, refusal, source: invite.remoteAddress)
            if let found { releaseMixIfIdle(found.meetingID) }
            return
        }
        let (machine, _) = PhoneCallMachine.incoming(route: route, found: found, timing: timing, now: now)
        // RFC 3325: the identity the trunk asserts, else From.
        let asserted = invite.headers["p-asserted-identity"].flatMap(AssertedIdentity.init(headerValue:))
        let name = CallerName.make(displayName: asserted?.displayName ?? invite.fromDisplayName, user: asserted?.user ?? invite.fromUser,
                                   mask: configuration.maskCallerNumbers)
        let call: PhoneCall
        do {
            call = try PhoneCall(sipID: id, displayName: name, signalingHost: invite.remoteAddress, machine: machine, logger: logger)
        } catch {
            loops.forget(id)
            userAgent.respond(id, status: 500, phrase: "Server Internal Error")
            if let found { releaseMixIfIdle(found.meetingID) }
            return
        }
        call.secureSignaling = invite.transport == "tls"
        call.attributes = CallerAttributes.make(headers: invite.headers, chosen: configuration.callerHeaders, asserted: asserted,
                                                fromUser: invite.fromUser, fromURI: invite.fromURI)
        if let trunk = invite.trunk { call.attributes["Trunk"] = trunk }
        calls[id] = call
        loops.assign(id, to: index)
        openRTP(for: call) { engine, port in
            guard let port else {
                engine.feed(.mediaReady(.failure(.noPort)), to: call)
                return
            }
            engine.feed(.mediaReady(engine.negotiate(call, offer: invite.sdp, port: port)), to: call)
        }
    }

    /// Gives up this engine's claim to mix `meetingID` when nothing here is
    /// in or on its way to that meeting (a claimed caller was refused or hung
    /// up before a bridge existed); the bridge's own end releases it otherwise.
    func releaseMixIfIdle(_ meetingID: String) {
        guard bridges[meetingID] == nil, !calls.values.contains(where: { $0.meeting?.meetingID == meetingID }) else { return }
        loops.release(meetingID, engine: index)
    }

    /// 503 Service Unavailable with Retry-After (RFC 3261 §21.5.4, §20.33):
    /// the caller's phone or trunk may try again later or elsewhere.
    private func refuse(_ id: SIPCallID, _ refusal: CallAdmission.Refusal, source: String) {
        metrics.count("over_capacity")
        metrics.refused(refusal.rawValue, explanation: refusal.explanation, source: source)
        userAgent.respond(id, status: 503, phrase: "Service Unavailable", headers: ["Retry-After": "\(refusal.retryAfter)"])
    }
}

extension RoomRegistry {
    /// Where a meeting's room runs for a call to it: here, on another node,
    /// or nowhere (this node starts no rooms and no other node runs it).
    func locationForCall(to meetingID: String?) async -> RoomLocation {
        guard let meetingID else { return .here }
        let location = await locate(meetingID)
        if location == .here, !hostsOrStarts(meetingID) { return .nowhere }
        return location
    }
}
