import Foundation
import NIOCore
import Rooms

/// Blind transfer (RFC 3515, RFC 5589 §6): a host sends a caller on to a
/// phone number or SIP address. Parley sends the phone a REFER; the phone
/// calls the target and reports in NOTIFYs; on success Parley's leg ends and
/// the caller leaves the meeting; on failure Parley keeps its leg (the phone
/// may resume or hang up) and the host hears why. A REFER *from* a phone is answered 405 by the SIP stack
/// (REFER is not in our Allow): callers cannot move themselves.
extension GatewayEngine {
    /// Starts transferring the caller who is `participantID` in `meetingID`.
    func transfer(participantID: String, meetingID: String, to target: String,
                  notify: @escaping @Sendable (String) -> Void) throws(GatewayError) {
        guard let call = calls.values.first(where: { $0.participantID == participantID && $0.meeting?.meetingID == meetingID }),
              call.stage == .inRoom else { throw .noSuchCall }
        guard call.transfer == nil else { throw .transferInProgress }
        let uri = try requestURI(for: target)
        let shown = target.hasPrefix("sip") ? String(target.dropFirst(target.hasPrefix("sips:") ? 5 : 4).prefix(60)) : target
        call.transfer = (shown, notify)
        metrics.count("transfers")
        call.logger.info("transferring the caller", metadata: ["to": "\(uri)"])
        userAgent.refer(call.sipID, to: uri)
    }

    /// A caller who reached, through this node's prompt, a meeting another
    /// node runs: the phone is asked to call that node's gateway with the
    /// meeting's dial-in code (REFER, RFC 3515), where the meeting takes them
    /// in; Parley's leg ends when that call is up. A phone that does not take
    /// transfers (or a node without a gateway) hears that the meeting cannot
    /// be joined from here.
    func sendToMeetingNode(_ id: SIPCallID, meeting: DialInMeeting, node: RoomLocation.RemoteNode) {
        guard let call = calls[id] else { return }
        guard !node.sipAddress.isEmpty, call.transfer == nil else {
            feed(.room(.joinFailed(.notStarting)), to: call)
            return
        }
        let uri = "sip:\(meeting.dialInCode)@\(node.sipAddress)"
        call.transfer = (node.name, { _ in })
        call.followsMeetingToNode = true
        metrics.count("moved_to_node")
        call.logger.info("the meeting runs on another node: sending the caller there", metadata: ["to": "\(uri)"])
        userAgent.refer(call.sipID, to: uri)
    }

    /// Every caller of `meetingID` in the room on this loop is sent to the
    /// gateway of `node` (this node hands the meeting over: a drain); returns
    /// how many were asked. Callers whose phone refuses stay until the room
    /// closes under them.
    func sendCallers(of meetingID: String, to node: RoomLocation.RemoteNode) -> Int {
        var asked = 0
        for call in calls.values where call.stage == .inRoom && call.transfer == nil {
            guard let meeting = call.meeting, meeting.meetingID == meetingID else { continue }
            sendToMeetingNode(call.sipID, meeting: meeting, node: node)
            asked += 1
        }
        return asked
    }

    /// The REFER's answer or a NOTIFY's status line.
    func transferProgressed(_ call: PhoneCall, status: Int, phrase: String, final: Bool, reported: Bool) {
        guard let transfer = call.transfer else { return }
        let who = call.displayName
        switch status {
        case 202 where !final:
            transfer.notify("Transferring \(who) to \(transfer.target)…")
        case 180, 183:
            transfer.notify("\(transfer.target) is ringing for \(who).")
        case 200..<300 where final:
            call.transfer = nil
            metrics.count("transfers_completed")
            call.logger.info("transfer completed", metadata: ["to": "\(transfer.target)"])
            transfer.notify("\(who) was transferred to \(transfer.target).")
            feed(.transferred, to: call)
        case 300... where final:
            call.transfer = nil
            metrics.count("transfers_failed")
            call.logger.info("transfer failed", metadata: ["status": "\(status) \(phrase)"])
            // The phone refused the REFER itself, or the call it placed failed.
            let reason = reported ? "\(transfer.target) \(PhoneCallMachine.failureNotice(status: status, phrase: phrase))"
                : "their phone does not take transfers (\(status) \(phrase))"
            transfer.notify("\(who) could not be transferred: \(reason).")
            if call.followsMeetingToNode {
                call.followsMeetingToNode = false
                // Still at the prompt: the caller hears the meeting cannot be
                // joined from here. In the room (a drain): they stay until it
                // closes under them.
                if call.stage != .inRoom { feed(.room(.joinFailed(.notStarting)), to: call) }
            }
        default:
            break
        }
    }
}
