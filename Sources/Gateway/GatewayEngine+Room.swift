import Meetings
import NIOCore
import Rooms
import SDP
import SFU

extension GatewayEngine {
    /// Puts a caller into a meeting's room, as a participant like any other.
    func join(_ call: PhoneCall, meeting: DialInMeeting) {
        call.stage = .joining
        call.meeting = meeting
        call.play(prompts.clip(.joining), replacing: true)
        let id = call.sipID
        let rooms = self.rooms
        let name = call.displayName
        let outgoing = call.outgoing
        guard let bound else { return }
        let connection = PhoneConnection(
            eventLoop: eventLoop,
            handle: { event in bound.value.roomEvent(event, call: id) },
            closed: { bound.value.roomClosed(call: id) })
        let handle = self.handle
        Task {
            let info = RoomInfo(meetingId: meeting.meetingID, code: meeting.code, title: meeting.title,
                                locked: false, lobbyEnabled: meeting.lobbyEnabled)
            do {
                let room = try await rooms.room(for: info, joiningAs: .phone)
                let transport = try await rooms.media.createLocalTransport(routerID: meeting.meetingID, sink: { _ in })
                handle.later { engine in
                    guard let call = engine.calls[id] else {
                        Task { await rooms.media.closeTransport(transport.id) }
                        return
                    }
                    call.room = room
                    call.transport = transport
                }
                let participantID = try await room.join(
                    // Someone the host called in does not wait in the lobby.
                    JoinRequest(displayName: name, userId: nil, role: .phone, lobbyApplies: !outgoing,
                                media: .local(transportID: transport.id)),
                    connection: connection)
                handle.later { engine in
                    guard let call = engine.calls[id] else {
                        Task { await room.leave(participantID, reason: "hung_up") }
                        return
                    }
                    call.participantID = participantID
                }
            } catch let error as RoomError {
                handle.later { engine in
                    guard let call = engine.calls[id] else { return }
                    // The room's typed refusal, heard as its prompt (AdmissionRefusal+Phone).
                    let prompt = AdmissionRefusal(error)?.prompt ?? .meetingEnded
                    call.logger.notice("could not join the room", metadata: ["reason": "\(error.code)"])
                    call.play(engine.prompts.clip(prompt), replacing: true)
                    call.stage = .leaving
                }
            } catch {
                handle.later { engine in
                    guard let call = engine.calls[id] else { return }
                    call.play(engine.prompts.clip(.meetingEnded), replacing: true)
                    call.stage = .leaving
                }
            }
        }
    }

    /// What the room tells a caller.
    func roomEvent(_ event: RoomEvent, call id: SIPCallID) {
        guard let call = calls[id], call.stage != .ended else { return }
        switch event {
        case .joined(let state):
            call.participantID = state.participantId
            call.stage = .inRoom
            let bridge = bridge(for: call)
            for p in state.participants { bridge.update(p) }
            call.play(prompts.joinTone)
            noticeRecording(state.room.recording, call: call)
            publish(call)
            syncTap(bridge)
        case .roomUpdated(let info):
            noticeRecording(info.recording, call: call)
        case .lobbyWaiting:
            call.play(prompts.clip(.waiting), replacing: true)
        case .lobbyDenied:
            call.play(prompts.clip(.notAdmitted), replacing: true)
            call.stage = .leaving
        case .participantJoined(let p):
            guard let bridge = bridges[call.meeting?.meetingID ?? ""] else { return }
            bridge.update(p)
            if p.id != call.participantID { call.play(prompts.joinTone) }
            syncTap(bridge)
        case .participantUpdated(let p):
            guard let bridge = bridges[call.meeting?.meetingID ?? ""] else { return }
            bridge.update(p)
            if p.id == call.participantID { call.muted = p.audioMuted && call.producerID != nil }
            syncTap(bridge)
        case .participantLeft(let participantID, _):
            guard let bridge = bridges[call.meeting?.meetingID ?? ""] else { return }
            bridge.remove(participantID: participantID)
            call.play(prompts.leaveTone)
            syncTap(bridge)
        case .mutedByHost:
            call.muted = true
            call.play(prompts.clip(.muted), replacing: true)
        case .removed:
            call.play(prompts.clip(.removed), replacing: true)
            call.stage = .leaving
        case .ended:
            call.play(prompts.clip(.meetingEnded), replacing: true)
            call.stage = .leaving
        case .subscribeOffer, .activeSpeaker, .chat, .lobbyUpdated, .notice:
            break
        }
    }

    /// Callers cannot see the recording indicator: they hear "this meeting is
    /// being recorded" when they join a recorded meeting and whenever
    /// recording starts (as a PBX announces call recording).
    func noticeRecording(_ recording: Bool, call: PhoneCall) {
        guard recording != call.heardRecording else { return }
        call.heardRecording = recording
        if recording { call.play(prompts.clip(.recording)) }
    }

    /// The room closed the caller's connection (removed, ended, denied): the
    /// last prompt plays, then Parley hangs up.
    func roomClosed(call id: SIPCallID) {
        guard let call = calls[id], call.stage != .ended else { return }
        call.participantID = nil
        if call.stage != .leaving {
            call.play(prompts.clip(.meetingEnded), replacing: true)
            call.stage = .leaving
        }
    }

    func bridge(for call: PhoneCall) -> RoomBridge {
        let meetingID = call.meeting?.meetingID ?? ""
        let bridge: RoomBridge
        if let b = bridges[meetingID] { bridge = b } else {
            bridge = RoomBridge(meetingID: meetingID)
            bridges[meetingID] = bridge
            let media = rooms.media
            let inbox = bridge.inbox
            let handle = self.handle
            let identity = ObjectIdentifier(bridge)
            Task {
                let tap = try? await media.createLocalTransport(routerID: meetingID, sink: { inbox.append($0) })
                handle.later { engine in
                    guard let tap else { return }
                    guard let bridge = engine.bridges[meetingID], ObjectIdentifier(bridge) == identity else {
                        Task { await media.closeTransport(tap.id) }
                        return
                    }
                    bridge.tap = tap
                    engine.syncTap(bridge)
                }
            }
        }
        bridge.calls[call.sipID] = call
        return bridge
    }

    /// The caller's voice becomes a producer in the room.
    func publish(_ call: PhoneCall) {
        guard let room = call.room, let participantID = call.participantID else { return }
        let id = call.sipID
        let handle = self.handle
        Task {
            let producerID = try? await room.publishLocal(participantID, source: .microphone, codec: GatewayEngine.roomOpus)
            handle.later { engine in
                guard let call = engine.calls[id] else { return }
                call.producerID = producerID
                if let b = engine.bridges[call.meeting?.meetingID ?? ""] { engine.syncTap(b) }
            }
        }
    }

    /// Makes the room's tap consume what the bridge wants (one update in flight).
    func syncTap(_ bridge: RoomBridge) {
        guard let tap = bridge.tap else { return }
        let wanted = bridge.wanted
        guard wanted != bridge.subscribed, !bridge.syncing else { return }
        bridge.syncing = true
        let media = rooms.media
        let meetingID = bridge.meetingID
        let handle = self.handle
        Task {
            let subscriptions = try? await media.subscribeLocal(transportID: tap.id, producerIDs: Array(wanted))
            handle.later { engine in
                guard let bridge = engine.bridges[meetingID] else { return }
                bridge.syncing = false
                if let subscriptions { bridge.subscribed(subscriptions) }
                engine.syncTap(bridge)
            }
        }
    }

    /// Takes a finished call out of its room and bridge.
    func leaveRoom(_ call: PhoneCall, reason: String) {
        if let room = call.room, let participantID = call.participantID {
            Task { await room.leave(participantID, reason: reason) }
        } else if let transport = call.transport {
            let media = rooms.media
            Task { await media.closeTransport(transport.id) }
        }
        guard let meetingID = call.meeting?.meetingID, let bridge = bridges[meetingID] else { return }
        bridge.calls[call.sipID] = nil
        if bridge.calls.isEmpty {
            bridges[meetingID] = nil
            if let tap = bridge.tap {
                let media = rooms.media
                Task { await media.closeTransport(tap.id) }
            }
        }
    }
}
