import Audio
import NIOCore

/// What the phone gateway needs to run, built by the executable from
/// `[sip]` and `[[trunk]]` settings.
public struct GatewayConfiguration: Sendable {
    /// Where SIP listens (UDP and TCP).
    public var sipHost: String
    public var sipPort: Int
    /// Where phones' RTP sockets bind, and the address put in SDP.
    public var rtpHost: String
    public var advertisedAddress: String
    /// Ports for phones' RTP (one per call; even ports, RFC 3550 §11);
    /// `0...0` lets the system choose (tests).
    public var rtpPorts: ClosedRange<Int>
    /// Codecs offered to phones, most preferred first (`opus`, `g722`, `pcmu`, `pcma`).
    public var codecs: [String]
    /// Most calls in progress (one loop carries about 80 transcoded calls
    /// per core: README, `make bench-gateway`); past it INVITEs get 503.
    public var maxCalls: Int
    /// Most callers waiting in the code prompt at once (the calls anyone can
    /// make without knowing a meeting); past it such INVITEs get 503.
    public var maxPromptCalls: Int
    /// The loop's load past which new calls get 503; nil: by count only.
    public var headroom: LoopHeadroom?
    public var invitesPerMinute: Int
    public var rtpTimeout: TimeAmount
    public var sessionExpires: Int
    public var maskCallerNumbers: Bool
    /// Directory of the prompt WAV files.
    public var promptsDirectory: String
    /// The SIP trunks: dial-out picks one by the number, calls to their
    /// numbers must come from them.
    public var trunks: [TrunkConfiguration]
    /// Take calls no trunk claims (softphones dialling sip:<code>@<host>).
    public var directCalls = true
    /// The realm of the gateway's digest challenges (RFC 3261 §22.1);
    /// empty: the advertised address.
    public var authRealm = ""
    /// Noise suppression and automatic gain on callers' voices (on by default).
    public var voiceCleaning = VoiceCleaner.Settings()
    /// SIP over TLS, nil when off. Calls over TLS must protect their media
    /// with SDES-SRTP (RFC 4568): an offer of plain RTP gets 488.
    public var tls: SIPUserAgentConfiguration.TLS?
    /// SIP headers of an incoming call that hosts and co-hosts see on the
    /// caller (with the caller's number), e.g. `X-Customer-ID`.
    public var callerHeaders: [String] = []

    public init(sipHost: String, sipPort: Int, rtpHost: String, advertisedAddress: String, rtpPorts: ClosedRange<Int>,
                codecs: [String] = ["opus", "g722", "pcmu", "pcma"], maxCalls: Int = 80, maxPromptCalls: Int = 20,
                headroom: LoopHeadroom? = LoopHeadroom(), invitesPerMinute: Int = 30,
                rtpTimeout: TimeAmount = .seconds(30), sessionExpires: Int = 1800, maskCallerNumbers: Bool = true,
                promptsDirectory: String = "Prompts", trunks: [TrunkConfiguration] = []) {
        self.sipHost = sipHost
        self.sipPort = sipPort
        self.rtpHost = rtpHost
        self.advertisedAddress = advertisedAddress
        self.rtpPorts = rtpPorts
        self.codecs = codecs
        self.maxCalls = maxCalls
        self.maxPromptCalls = maxPromptCalls
        self.headroom = headroom
        self.invitesPerMinute = invitesPerMinute
        self.rtpTimeout = rtpTimeout
        self.sessionExpires = sessionExpires
        self.maskCallerNumbers = maskCallerNumbers
        self.promptsDirectory = promptsDirectory
        self.trunks = trunks
    }
}
