import Rooms

/// How the room reaches the recorder: events hop onto its loop, in order.
struct RecorderConnection: ParticipantConnection {
    let recorder: Recorder

    func deliver(_ event: RoomEvent) {
        recorder.execute { $0.handle(event) }
    }

    func close() {
        recorder.execute { $0.closedByRoom() }
    }
}
