import Foundation
import NIOCore
import Rooms
import SDP

extension GatewayEngine {
    /// "Call a phone": invites `target` and brings the callee into the
    /// meeting on answer. A SIP URI is called directly; a phone number goes
    /// through the trunk that dials it (`dial_out`), with its caller id and
    /// its credentials.
    func dialOut(_ target: String, meeting: DialInMeeting, notify: @escaping @Sendable (String) -> Void) throws(GatewayError) {
        let (uri, trunk) = try DialTarget.route(for: target, trunks: loops.trunks)
        guard calls.count < configuration.maxCalls else { throw .busy }
        let name = CallerName.make(displayName: nil, user: target.hasPrefix("sip") ? nil : target, mask: configuration.maskCallerNumbers)
        let shown = target.hasPrefix("sip") ? String(target.dropFirst(4).prefix(60)) : name
        let call: PhoneCall
        do {
            call = try PhoneCall(sipID: SIPCallID(serial: 0, callID: "pending"), displayName: shown,
                                 signalingHost: SIPUserAgent.host(ofURI: uri).trimmingCharacters(in: CharacterSet(charactersIn: "[]")),
                                 machine: .dialingOut(into: meeting, calleeName: shown, timing: timing, now: now), logger: logger)
        } catch {
            throw .badTarget(target)
        }
        call.notify = notify
        // sips: or transport=tls: the INVITE goes over TLS, so the media is protected too.
        let lowered = uri.lowercased()
        call.secureSignaling = lowered.hasPrefix("sips:") || lowered.contains(";transport=tls")
        openRTP(for: call) { engine, port in
            guard let port else {
                engine.feed(.mediaReady(.failure(.noPort)), to: call)
                return
            }
            engine.sessionVersion += 1
            let offer = PhoneNegotiation.offer(localAddress: engine.configuration.advertisedAddress, localPort: UInt16(port),
                                               preferences: engine.preferences, srtp: call.secureSignaling,
                                               sessionID: engine.sessionID,
                                               sessionVersion: engine.sessionVersion)
            let from = trunk.flatMap { $0.callerID.isEmpty ? nil : "sip:\($0.callerID)@\(SIPUserAgent.host(ofURI: $0.uri))" }
                ?? "sip:parley@\(engine.configuration.advertisedAddress)"
            let id = engine.userAgent.invite(to: uri, from: from, displayName: meeting.title, sdp: offer,
                                             credentials: trunk?.outbound)
            call.sipID = id
            call.logger[metadataKey: "call"] = "\(id)"
            engine.calls[id] = call
            engine.loops.assign(id, to: engine.index)
            engine.metrics.count("dial_outs")
            call.logger.info("calling out", metadata: ["to": "\(uri)", "trunk": "\(trunk?.name ?? "none")"])
            engine.feed(.dialed(offer: offer), to: call)
        }
    }

    /// The request URI for what a host typed.
    func requestURI(for target: String) throws(GatewayError) -> String {
        try DialTarget.route(for: target, trunks: loops.trunks).uri
    }

    /// Answers to calls Parley placed.
    func handleOutgoing(_ event: SIPEvent) {
        switch event {
        case .outgoingAnswered(let id, let sdp):
            guard let call = calls[id] else { userAgent.hangUp(id); return }
            feed(.outgoingAnswered(sdp: sdp), to: call)
        case .outgoingFailed(let id, let status, let phrase):
            guard let call = calls[id] else { return }
            call.logger.info("outgoing call failed", metadata: ["status": "\(status) \(phrase)"])
            feed(.outgoingFailed(status: status, phrase: phrase), to: call)
        default:
            break
        }
    }
}
