import Foundation

/// A host moves a caller to another Parley meeting: no SIP at all, the call
/// stays up and only changes rooms (`PhoneCallMachine.move`). The meeting is
/// named by its link, its code (`abc-defg-hij`) or its dial-in code.
extension GatewayEngine {
    func move(participantID: String, meetingID: String, to destination: String,
              notify: @escaping @Sendable (String) -> Void) throws(GatewayError) {
        guard let call = calls.values.first(where: { $0.participantID == participantID && $0.meeting?.meetingID == meetingID }),
              call.stage == .inRoom else { throw .noSuchCall }
        let code = Self.meetingCode(in: destination)
        let directory = self.directory
        let handle = self.handle
        let id = call.sipID
        Task {
            let found: DialInMeeting?
            if code.allSatisfy(\.isNumber) {
                found = (try? await directory.meeting(dialInCode: code)) ?? nil
            } else {
                found = (try? await directory.meeting(code: code)) ?? nil
            }
            handle.later { engine in
                guard let call = engine.calls[id], call.stage == .inRoom else { return }
                guard let meeting = found else {
                    notify("No meeting has the code \(code.prefix(40)).")
                    return
                }
                guard meeting.meetingID != call.meeting?.meetingID else {
                    notify("\(call.displayName) is already in this meeting.")
                    return
                }
                engine.metrics.count("moves")
                call.logger.info("moving the caller", metadata: ["to": "\(meeting.meetingID)"])
                notify("\(call.displayName) was moved to \u{201C}\(meeting.title)\u{201D}.")
                engine.feed(.moveTo(meeting), to: call)
            }
        }
    }

    /// The code in what a host typed: a link's last path component, or the text itself.
    static func meetingCode(in text: String) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let url = URL(string: trimmed), url.scheme != nil, let last = url.pathComponents.last, last != "/" {
            return last
        }
        return trimmed
    }
}
