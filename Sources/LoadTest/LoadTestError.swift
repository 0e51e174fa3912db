/// Why a load test or one simulated participant could not go on.
public enum LoadTestError: Error, CustomStringConvertible, Sendable {
    case http(String)
    case signaling(String)
    case negotiation(String)
    case configuration(String)

    public var description: String {
        switch self {
        case .http(let m): "HTTP API: \(m)"
        case .signaling(let m): "signaling: \(m)"
        case .negotiation(let m): "negotiation: \(m)"
        case .configuration(let m): m
        }
    }
}
