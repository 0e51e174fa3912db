import SDP

extension PhoneCallMachine {
    /// What happened to the call, as the engine reports it.
    enum Event: Equatable {
        // MARK: Set-up and SIP

        /// The engine bound an RTP port and negotiated the INVITE (our answer
        /// to the phone's offer, or our offer for an INVITE without SDP), or
        /// could not.
        case mediaReady(Result<LocalDescription, MediaRefusal>)
        /// Negotiated media could not be put to use (codec or SRTP set-up failed).
        case mediaUnusable(reason: String)
        /// The ACK for our 2xx, with the phone's answer when we offered (RFC 3264 §5).
        case acknowledged(sdp: String?)
        /// A re-INVITE (hold, resume, a new address), negotiated by the engine.
        case reinvited(Result<LocalDescription, MediaRefusal>)
        /// CANCEL before the answer, BYE after it, or the dialog ended
        /// otherwise (session timer, RFC 4028 §10): the dialog is over.
        case phoneHungUp
        /// A dial-out's INVITE went out with this offer.
        case dialed(offer: String)
        /// The callee answered a dial-out (2xx, ACK already sent) with this SDP.
        case outgoingAnswered(sdp: String?)
        /// A dial-out failed with this final status.
        case outgoingFailed(status: Int, phrase: String)

        // MARK: Media and the clock

        /// An RTP packet from the phone (not RTCP, not malformed).
        case rtpArrived
        /// A key the caller pressed (RFC 4733 event or in-band tone).
        case key(Character)
        /// The 20 ms clock.
        case tick
        /// The prompt the machine asked for has played (the player fell silent).
        case promptFinished

        // MARK: The directory and the room

        /// The answer to `.lookUp`.
        case lookedUp(Result<DialInMeeting, CallRefusal>)
        /// Something the room said about this caller.
        case room(RoomOutcome)
        /// A host moves the caller to another meeting (found already).
        case moveTo(DialInMeeting)
        /// The phone took a transfer (its NOTIFY reported 2xx): our leg ends
        /// (RFC 5589 §6: the transferor hangs up).
        case transferred
        /// The gateway stops.
        case shutdown
    }

    /// Our side of an offer/answer exchange, as the engine made it.
    enum LocalDescription: Equatable {
        /// Our answer to the phone's offer; the engine already applied the
        /// media. `phoneDirection` is the phone's `a=` direction.
        case answer(sdp: String, phoneDirection: Direction)
        /// Our offer (the INVITE had no SDP); the answer comes in the ACK.
        case offer(sdp: String)
    }

    /// Why the engine could not give the phone media.
    enum MediaRefusal: Error, Equatable {
        /// No RTP port free.
        case noPort
        /// The phone's offer is unusable (status 400 or 488).
        case offer(PhoneNegotiationError)
        /// Anything else (logged with the reason).
        case failed(String)
    }

    /// What the room reported about this caller.
    enum RoomOutcome: Equatable {
        /// In the room; whether it records now.
        case joined(recording: Bool)
        case recordingChanged(Bool)
        case lobbyWaiting
        case lobbyDenied
        case removed
        case ended
        /// The room closed the caller's connection.
        case connectionClosed
        /// Joining failed.
        case joinFailed(CallRefusal)
        case mutedByHost
        /// The room's view of this caller's microphone changed.
        case muteChanged(Bool)
    }
}
