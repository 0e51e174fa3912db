/// Why a media operation was refused; `message` is fit to show a person.
public enum MediaError: Error, Equatable, Sendable, Codable {
    case badSDP(String)
    case negotiation(String)
    case unknownSource(mid: String)
    case unknownTransport
    case unknownRouter
    case unknownProducer
    case wrongTransportRole
    case notRunning

    public var message: String {
        switch self {
        case .badSDP(let why): "The session description could not be read: \(why)."
        case .negotiation(let why): "The session description could not be negotiated: \(why)."
        case .unknownSource(let mid): "Track \(mid) needs a source (microphone, camera, screen or screenAudio) that matches its kind."
        case .unknownTransport: "That connection no longer exists."
        case .unknownRouter: "That room has no media."
        case .unknownProducer: "That track no longer exists."
        case .wrongTransportRole: "That request does not fit this connection."
        case .notRunning: "The media server is not running."
        }
    }
}
