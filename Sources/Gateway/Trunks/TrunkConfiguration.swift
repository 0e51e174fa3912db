/// A SIP trunk or PBX: where dial-out to its numbers goes, what Parley
/// registers there, and how its incoming calls are recognised.
public struct TrunkConfiguration: Sendable, Equatable {
    /// Its name in logs, metrics and the caller's attributes.
    public var name: String
    /// Its SIP URI; empty for a trunk that only brings calls in.
    public var uri: String
    /// What Parley answers the trunk's challenges with (REGISTER, INVITE).
    public var username: String
    public var password: String
    public var register: Bool
    public var registerSeconds: Int
    /// Presented as the caller on dial-out.
    public var callerID: String
    /// Numbers dialled out through it: whole numbers or prefixes ("+1*", "*").
    public var dialOut: [NumberPattern]
    /// Its own numbers (DIDs): calls to them are taken only from it.
    public var numbers: [NumberPattern]
    /// Where its INVITEs come from.
    public var allow: [AddressBlock]
    /// The credentials its INVITEs must carry; nil: no challenge.
    public var inbound: SIPCredentials?

    public init(name: String, uri: String, username: String = "", password: String = "", register: Bool = false,
                registerSeconds: Int = 600, callerID: String = "", dialOut: [NumberPattern] = [NumberPattern("*")],
                numbers: [NumberPattern] = [], allow: [AddressBlock] = [], inbound: SIPCredentials? = nil) {
        self.name = name
        self.uri = uri
        self.username = username
        self.password = password
        self.register = register
        self.registerSeconds = registerSeconds
        self.callerID = callerID
        self.dialOut = dialOut
        self.numbers = numbers
        self.allow = allow
        self.inbound = inbound
    }

    /// The credentials Parley answers the trunk's challenges with, if any.
    var outbound: SIPCredentials? {
        username.isEmpty ? nil : SIPCredentials(username: username, password: password)
    }
}
