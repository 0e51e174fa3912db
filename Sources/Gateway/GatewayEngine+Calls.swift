import Audio
import Foundation
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
            if let call = calls[id] { feed(.acknowledged(sdp: sdp), to: call) }
        case .reinvite(let id, let sdp):
            guard let call = calls[id] else { return }
            feed(.reinvited(negotiate(call, offer: sdp, port: call.localPort)), to: call)
            call.logger.info("re-INVITE", metadata: ["hold": "\(call.isOnHold)"])
        case .cancelled(let id), .ended(let id, _):
            // A caller who gives up while their code is looked up leaves nothing behind.
            if pendingDials.removeValue(forKey: id) != nil { loops.forget(id) }
            if let call = calls[id] { feed(.phoneHungUp, to: call) }
        case .info(let id, let contentType, let body):
            // Keys in SIP INFO, from a phone that does not send them as RTP
            // events (RFC 4733): a phone sending both counts each key once.
            guard let call = calls[id] else { return }
            call.logger.debug("SIP INFO", metadata: ["type": "\(contentType ?? "none")", "body": "\(body ?? "")"])
            guard !call.sawTelephoneEvents, let key = SIPInfoDTMF.key(contentType: contentType, body: body) else { return }
            pressed(key, on: call)
        case .transferProgress(let id, let status, let phrase, let final, let reported):
            if let call = calls[id] { transferProgressed(call, status: status, phrase: phrase, final: final, reported: reported) }
        case .registered(let trunk, let expires):
            if metrics.registrations[trunk] != true {
                logger.info("registered at trunk", metadata: ["trunk": "\(trunk)", "expires": "\(expires)"])
            }
            metrics.registration(trunk: trunk, succeeded: true)
        case .registrationFailed(let trunk, let status, let phrase):
            logger.warning("registration at trunk failed", metadata: ["trunk": "\(trunk)", "status": "\(status) \(phrase)"])
            metrics.registration(trunk: trunk, succeeded: false)
        case .outgoingProgress, .outgoingAnswered, .outgoingFailed:
            handleOutgoing(event)
        }
    }

    /// Our SDP for a call: the answer to the phone's offer (its media put to
    /// use at once), or our offer when the INVITE had none (the answer then
    /// comes in the ACK, RFC 3264 §5).
    func negotiate(_ call: PhoneCall, offer: String?, port: Int) -> Result<PhoneCallMachine.LocalDescription, PhoneCallMachine.MediaRefusal> {
        sessionVersion += 1
        guard let offer else {
            return .success(.offer(sdp: PhoneNegotiation.offer(localAddress: configuration.advertisedAddress, localPort: UInt16(port),
                                                               preferences: preferences, srtp: call.secureSignaling,
                                                               sessionID: sessionID, sessionVersion: sessionVersion)))
        }
        do {
            let answer = try PhoneNegotiation.answer(offer: offer, localAddress: configuration.advertisedAddress, localPort: UInt16(port),
                                                     preferences: preferences, requireSRTP: call.secureSignaling,
                                                     sessionID: sessionID, sessionVersion: sessionVersion)
            try apply(answer.media, to: call)
            return .success(.answer(sdp: answer.sdp, phoneDirection: answer.media.remoteDirection))
        } catch let error as PhoneNegotiationError {
            call.logger.notice("no usable media in the offer", metadata: ["reason": "\(error)"])
            return .failure(.offer(error))
        } catch {
            call.logger.notice("the offered media cannot be used", metadata: ["reason": "\(error)"])
            return .failure(.failed("\(error)"))
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
        let bound = self.bound
        @Sendable func attempt(_ remaining: ArraySlice<Int>) {
            guard let port = remaining.first else { boundThen.value(bound.value, nil); return }
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
                        engine.metrics.count("rtp_ports_opened")
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
        let now = self.now
        let receipt = call.receiveRTP(buffer, from: address, now: now)
        if let dropped = receipt.dropped { metrics.dropped(reason: dropped) }
        if receipt.arrived { feed(.rtpArrived, to: call, now: now) }
        for key in receipt.keys { pressed(key, on: call) }
    }

    // MARK: - Ending

    /// Forgets an ended call: counts it, closes its port. (Leaving the room
    /// and the BYE are the machine's `.leaveRoom` and `.hangUp`.)
    func release(_ call: PhoneCall, reason: String) {
        if calls[call.sipID] === call {
            calls[call.sipID] = nil
            loops.forget(call.sipID)
            if let meetingID = call.meeting?.meetingID { releaseMixIfIdle(meetingID) }
        }
        if reason == "rtp_timeout" {
            call.logger.notice("no RTP from the phone: hung up", metadata: ["seconds": "\(timing.rtpTimeout.nanoseconds / 1_000_000_000)"])
        }
        if reason == "rtp_timeout" || reason == "unknown_meeting" { metrics.count(reason) }
        metrics.count("opus_passthrough_packets", by: call.passedThrough)
        metrics.count("opus_encoded_packets", by: call.reencoded)
        metrics.count("opus_gaps_left", by: call.gapsLeft)
        metrics.count("opus_gated_frames", by: call.gatedFrames)
        // What the caller's jitter buffer did: each underrun or loss is a
        // concealed frame, each discard a frame dropped to cut delay.
        let jitter = call.jitter.statistics
        metrics.count("jitter_lost_frames", by: jitter.lost)
        metrics.count("jitter_late_packets", by: jitter.late)
        metrics.count("jitter_underruns", by: jitter.underruns)
        metrics.count("jitter_discarded_frames", by: jitter.discarded)
        call.logger.info("call ended", metadata: ["reason": "\(reason)", "jitter_lost": "\(jitter.lost)", "jitter_late": "\(jitter.late)",
                                                  "jitter_underruns": "\(jitter.underruns)", "jitter_discarded": "\(jitter.discarded)",
                                                  "jitter_target_frames": "\(jitter.targetFrames)",
                                                  "opus_encoded": "\(call.reencoded)", "opus_gated": "\(call.gatedFrames)"])
        if let channel = call.channel {
            call.channel = nil
            ports.released(call.localPort)
            channel.close(promise: nil)
        }
    }
}
