import NIOCore
import Rooms
import SDP
import SFU

extension GatewayEngine {
    /// Puts a caller into a meeting's room, as a participant like any other;
    /// the room's answer goes to the call's machine.
    func join(_ call: PhoneCall, meeting: DialInMeeting) {
        let id = call.sipID
        let rooms = self.rooms
        let name = call.displayName
        // Someone the host called in, or moved here, does not wait in the lobby.
        let skipsLobby = call.machine.outgoing || call.machine.movedByHost
        let attributes = call.attributes
        let lossReports = call.downstreamLoss.sink
        let bound = self.bound
        let connection = PhoneConnection(
            eventLoop: eventLoop,
            handle: { event in bound.value.roomEvent(event, call: id) },
            closed: { bound.value.roomClosed(call: id) })
        let handle = self.handle
        Task {
            let info = RoomInfo(meetingId: meeting.meetingID, code: meeting.code, title: meeting.title,
                                locked: false, lobbyEnabled: meeting.lobbyEnabled)
            do {
                // A meeting another node runs (the caller typed its code at
                // this node's prompt): the phone is sent there.
                switch await rooms.locate(meeting.meetingID) {
                case .here: break
                case .nowhere: throw RoomError.notStarting
                case .elsewhere(let node):
                    handle.later { engine in engine.sendToMeetingNode(id, meeting: meeting, node: node) }
                    return
                }
                let media = rooms.media
                let (room, participantID) = try await rooms.join(
                    info, JoinRequest(displayName: name, userId: nil, role: .phone, lobbyApplies: !skipsLobby, attributes: attributes),
                    connection: connection,
                    entering: { room in
                        // The caller's transport, in the router of the room it joins (made
                        // afresh if the first room was closing), known to the call before
                        // the room's first event reaches the loop.
                        let transport = try await media.createLocalTransport(routerID: meeting.meetingID, sink: lossReports)
                        handle.later { engine in
                            guard let call = engine.calls[id] else {
                                Task { await media.closeTransport(transport.id) }
                                return
                            }
                            call.room = room
                            call.transport = transport
                        }
                        return .local(transportID: transport.id)
                    })
                handle.later { engine in
                    guard let call = engine.calls[id] else {
                        Task { await room.leave(participantID, reason: "hung_up") }
                        return
                    }
                    call.participantID = participantID
                }
            } catch {
                let refusal = (error as? RoomError).map(CallRefusal.init) ?? .other("\(error)")
                handle.later { engine in
                    guard let call = engine.calls[id] else { return }
                    call.logger.notice("could not join the room", metadata: ["reason": "\(refusal.logReason)"])
                    engine.feed(.room(.joinFailed(refusal)), to: call)
                }
            }
        }
    }

    /// What the room tells a caller: the bridge and the chimes are the
    /// engine's; the rest is the machine's.
    func roomEvent(_ event: RoomEvent, call id: SIPCallID) {
        guard let call = calls[id], call.stage != .ended else { return }
        switch event {
        case .joined(let state):
            call.participantID = state.participantId
            let actions = call.machine.handle(.room(.joined(recording: state.room.recording)), now: now)
            guard call.stage == .inRoom else { run(actions, on: call); return }
            let bridge = bridge(for: call)
            for p in state.participants { bridge.update(p) }
            call.play(prompts.joinTone)
            run(actions, on: call)
            syncTap(bridge)
        case .roomUpdated(let info):
            feed(.room(.recordingChanged(info.recording)), to: call)
        case .lobbyWaiting:
            feed(.room(.lobbyWaiting), to: call)
        case .lobbyDenied:
            feed(.room(.lobbyDenied), to: call)
        case .participantJoined(let p):
            guard let bridge = bridges[call.meeting?.meetingID ?? ""] else { return }
            bridge.update(p)
            if p.id != call.participantID { chime(.join, on: call) }
            syncTap(bridge)
        case .participantUpdated(let p):
            guard let bridge = bridges[call.meeting?.meetingID ?? ""] else { return }
            bridge.update(p)
            if p.id == call.participantID { feed(.room(.muteChanged(p.audioMuted && call.producerID != nil)), to: call) }
            syncTap(bridge)
        case .participantLeft(let participantID, _):
            guard let bridge = bridges[call.meeting?.meetingID ?? ""] else { return }
            bridge.remove(participantID: participantID)
            chime(.leave, on: call)
            syncTap(bridge)
        case .mutedByHost:
            feed(.room(.mutedByHost), to: call)
        case .removed:
            feed(.room(.removed), to: call)
        case .ended:
            feed(.room(.ended), to: call)
        case .subscribeOffer, .activeSpeaker, .chat, .lobbyUpdated, .notice, .resumed, .mediaReset, .reaction:
            break
        }
    }

    /// Someone else came or went: one chime per window, folded otherwise
    /// (`ChimeGate`), so a crowd arriving does not keep the room ducked.
    func chime(_ chime: ChimeGate.Chime, on call: PhoneCall) {
        guard call.chimes.shouldPlay(chime, now: now, busy: call.player.isPlaying) else {
            metrics.count("chimes_folded")
            return
        }
        call.play(chime == .join ? prompts.joinTone : prompts.leaveTone)
    }

    /// The room closed the caller's connection (removed, ended, denied).
    func roomClosed(call id: SIPCallID) {
        guard let call = calls[id], call.stage != .ended else { return }
        call.participantID = nil
        feed(.room(.connectionClosed), to: call)
    }

    func bridge(for call: PhoneCall) -> RoomBridge {
        let meetingID = call.meeting?.meetingID ?? ""
        let bridge: RoomBridge
        if let b = bridges[meetingID] { bridge = b } else {
            bridge = RoomBridge(meetingID: meetingID)
            bridges[meetingID] = bridge
            loops.claim(meetingID, engine: index)
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
        call.bridgedMeetingID = meetingID
        bridge.add(call)
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
        // Out of this room: a move joins the next with all of these afresh.
        call.room = nil
        call.participantID = nil
        call.transport = nil
        call.producerID = nil
        guard let meetingID = call.bridgedMeetingID ?? call.meeting?.meetingID, let bridge = bridges[meetingID] else { return }
        call.bridgedMeetingID = nil
        bridge.remove(call.sipID)
        if bridge.calls.isEmpty {
            bridges[meetingID] = nil
            loops.release(meetingID, engine: index)
            if let tap = bridge.tap {
                let media = rooms.media
                Task { await media.closeTransport(tap.id) }
            }
        }
    }
}
