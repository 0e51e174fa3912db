import Audio
import Foundation
import Meetings
import NIOCore
import NIOPosix
import Rooms
import SDP
import SFU

extension GatewayEngine {
    /// One event from the SIP user agent.
    func handle(_ event: SIPEvent) {
        switch event {
        case .incomingCall(let id, let invite):
            incoming(id, invite)
        case .acknowledged(let id, let sdp):
            // RFC 3264 §5: an INVITE without SDP gets our offer in the 200;
            // the phone's answer comes in the ACK.
            guard let call = calls[id], let sdp, let offer = call.pendingOffer else { return }
            call.pendingOffer = nil
            do {
                try call.apply(PhoneNegotiation.readAnswer(sdp, toOffer: offer))
            } catch {
                call.logger.notice("the phone's answer in the ACK is unusable: hanging up", metadata: ["reason": "\(error)"])
                hangUp(call, reason: "bad_answer")
            }
        case .reinvite(let id, let sdp):
            reinvite(id, sdp: sdp)
        case .cancelled(let id), .ended(let id, _):
            if let call = calls[id] { finish(call, reason: "phone_hung_up") }
        case .info, .registered, .registrationFailed:
            break
        case .outgoingProgress, .outgoingAnswered, .outgoingFailed:
            handleOutgoing(event)
        }
    }

    private func incoming(_ id: SIPCallID, _ invite: IncomingCall) {
        metrics.count("invites")
        // Scanners first: a flood from one address gets nothing more than this.
        guard limiter.allow(source: invite.remoteAddress) else {
            metrics.count("rate_limited")
            userAgent.respond(id, status: 503, phrase: "Service Unavailable", headers: ["Retry-After": "60"])
            return
        }
        guard calls.count < configuration.maxCalls else {
            metrics.count("over_capacity")
            userAgent.respond(id, status: 503, phrase: "Service Unavailable", headers: ["Retry-After": "30"])
            return
        }
        let route = dialplan.route(DialedCall(user: invite.requestURIUser ?? "", to: invite.toUser ?? "", from: invite.fromUser ?? ""))
        logger.info("incoming call", metadata: ["call": "\(id)", "from": "\(invite.fromUser ?? "?")",
                                                "dialled": "\(invite.requestURIUser ?? "?")", "route": "\(route)"])
        if case .reject(let status, let reason) = route.decision {
            userAgent.respond(id, status: status, phrase: reason)
            return
        }
        let name = CallerName.make(displayName: invite.fromDisplayName, user: invite.fromUser, mask: configuration.maskCallerNumbers)
        let call: PhoneCall
        do {
            call = try PhoneCall(sipID: id, displayName: name, signalingHost: invite.remoteAddress, outgoing: false, logger: logger)
        } catch {
            userAgent.respond(id, status: 500, phrase: "Server Internal Error")
            return
        }
        calls[id] = call
        openRTP(for: call) { engine, port in
            guard let port else {
                engine.userAgent.respond(id, status: 503, phrase: "Service Unavailable", headers: ["Retry-After": "30"])
                engine.finish(call, reason: "no_port")
                return
            }
            let sdp: String
            do {
                sdp = try engine.negotiate(call, offer: invite.sdp, port: port)
            } catch let error as PhoneNegotiationError {
                call.logger.notice("no usable media in the offer", metadata: ["reason": "\(error)"])
                engine.userAgent.respond(id, status: error.sipStatus, phrase: error.sipStatus == 488 ? "Not Acceptable Here" : "Bad Request")
                engine.finish(call, reason: "sdp")
                return
            } catch {
                engine.userAgent.respond(id, status: 500, phrase: "Server Internal Error")
                engine.finish(call, reason: "media")
                return
            }
            call.localSDP = sdp
            switch route.decision {
            case .join(let code):
                engine.directJoin(call, dialInCode: code)
            case .prompt:
                // RFC 3960 early media: the welcome plays under 183 Session
                // Progress; the call is answered when it ends or a key is pressed.
                // (An INVITE without SDP gets our offer in the 200 instead: an
                // offer may not ride on an unreliable 183, RFC 3261 §13.2.1.)
                if invite.sdp == nil { engine.answer(call) } else {
                    engine.userAgent.respond(id, status: 183, phrase: "Session Progress", sdp: sdp)
                }
                let (prompt, actions) = CodePrompt.askingForCode()
                call.prompt = prompt
                call.stage = .prompting
                call.lastRTPAt = .now()
                engine.run(actions, on: call)
            case .reject:
                break
            }
        }
    }

    /// Our SDP for a call: the answer to the phone's offer, or our offer when
    /// the INVITE had none (the answer then comes in the ACK).
    func negotiate(_ call: PhoneCall, offer: String?, port: Int) throws -> String {
        sessionVersion += 1
        if let offer {
            let answer = try PhoneNegotiation.answer(offer: offer, localAddress: configuration.advertisedAddress, localPort: UInt16(port),
                                                     preferences: preferences, sessionID: sessionID, sessionVersion: sessionVersion)
            try call.apply(answer.media)
            return answer.sdp
        }
        let ours = PhoneNegotiation.offer(localAddress: configuration.advertisedAddress, localPort: UInt16(port),
                                          preferences: preferences, sessionID: sessionID, sessionVersion: sessionVersion)
        call.pendingOffer = ours
        return ours
    }

    func answer(_ call: PhoneCall) {
        guard !call.answered else { return }
        call.answered = true
        userAgent.respond(call.sipID, status: 200, phrase: "OK", sdp: call.localSDP)
    }

    /// The dialplan named a meeting: in we go (after its passcode, if any).
    private func directJoin(_ call: PhoneCall, dialInCode code: String) {
        findMeeting(code, for: call) { engine, call, meeting in
            guard let meeting else {
                engine.metrics.count("unknown_meeting")
                let refusal = AdmissionRefusal.notFound.sipResponse
                engine.userAgent.respond(call.sipID, status: refusal.status, phrase: refusal.phrase)
                engine.finish(call, reason: "unknown_meeting")
                return
            }
            engine.answer(call)
            call.stage = .prompting
            call.lastRTPAt = .now()
            let (prompt, actions) = CodePrompt.joining(meeting)
            call.prompt = prompt
            engine.run(actions, on: call)
        }
    }

    private func reinvite(_ id: SIPCallID, sdp: String?) {
        guard let call = calls[id] else { return }
        do {
            let answer = try negotiate(call, offer: sdp, port: call.localPort)
            call.localSDP = answer
            userAgent.respond(id, status: 200, phrase: "OK", sdp: answer)
            call.logger.info("re-INVITE", metadata: ["hold": "\(call.isOnHold)"])
        } catch let error as PhoneNegotiationError {
            userAgent.respond(id, status: error.sipStatus, phrase: "Not Acceptable Here")
        } catch {
            userAgent.respond(id, status: 500, phrase: "Server Internal Error")
        }
    }

    // MARK: - RTP ports

    /// Binds an RTP socket for the call from the configured range.
    func openRTP(for call: PhoneCall, then: @escaping (GatewayEngine, Int?) -> Void) {
        let candidates = ports.candidates()
        let host = configuration.rtpHost
        let loop = eventLoop
        // The call itself, not its SIP id: a dial-out has no id until the INVITE is sent.
        let boundCall = NIOLoopBound(call, eventLoop: loop)
        let boundThen = NIOLoopBound(then, eventLoop: loop)
        let bound = self.bound!
        func attempt(_ remaining: ArraySlice<Int>) {
            guard let port = remaining.first else { then(self, nil); return }
            DatagramBootstrap(group: loop)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(PhoneRTPHandler { buffer, address in
                            bound.value.rtp(buffer, from: address, call: boundCall.value)
                        })
                    }
                }
                .bind(host: host, port: port)
                .hop(to: loop)
                .whenComplete { result in
                    let engine = bound.value
                    let call = boundCall.value
                    switch result {
                    case .success(let channel):
                        guard call.stage != .ended else { channel.close(promise: nil); return }
                        let actual = channel.localAddress?.port ?? port
                        call.channel = channel
                        call.localPort = actual
                        engine.ports.taken(actual)
                        boundThen.value(engine, actual)
                    case .failure:
                        attempt(remaining.dropFirst())
                    }
                }
        }
        attempt(candidates[...])
    }

    func rtp(_ buffer: ByteBuffer, from address: SocketAddress, call: PhoneCall) {
        guard call.stage != .ended else { return }
        let now = NIODeadline.now()
        let (keys, dropped) = call.receiveRTP(buffer, from: address, now: now)
        if let dropped { metrics.dropped(reason: dropped) }
        for key in keys { pressed(key, on: call, now: now) }
    }

    // MARK: - Ending

    /// Hangs up from our side (BYE, or a final error before answer).
    func hangUp(_ call: PhoneCall, reason: String) {
        guard call.stage != .ended else { return }
        userAgent.hangUp(call.sipID)
        finish(call, reason: reason)
    }

    /// Forgets a call: leaves its room, closes its port.
    func finish(_ call: PhoneCall, reason: String) {
        guard call.stage != .ended else { return }
        call.stage = .ended
        calls[call.sipID] = nil
        metrics.count("opus_passthrough_packets", by: call.passedThrough)
        metrics.count("opus_encoded_packets", by: call.reencoded)
        call.logger.info("call ended", metadata: ["reason": "\(reason)"])
        if let channel = call.channel {
            ports.released(call.localPort)
            channel.close(promise: nil)
        }
        leaveRoom(call, reason: reason)
    }
}
