/// What the media plane tells the room layer, as it happens.
public enum MediaEvent: Sendable, Equatable, Codable {
    /// ICE and DTLS are up on a transport: media can flow.
    case transportConnected(routerID: String, transportID: String)
    /// A transport ended: consent expired, DTLS failed or closed, or it was closed.
    case transportClosed(routerID: String, transportID: String, reason: String)
    /// The loudest audio producer of a router changed.
    case activeSpeaker(routerID: String, producerID: String?)
}
