import Foundation

/// Everything Parley can be configured with, in one typed value.
///
/// Sources, lowest precedence first: built-in defaults, the TOML file
/// (`Config/parley.toml` documents every key), environment variables named
/// `PARLEY_<SECTION>_<KEY>` (e.g. `PARLEY_HTTP_ADDRESS`), then command-line
/// flags. Each key is declared once in ``ParleyConfiguration/keys`` so the
/// three sources cannot drift apart.
public struct ParleyConfiguration: Sendable, Equatable {
    public struct HTTP: Sendable, Equatable {
        /// Where the HTTP server listens.
        public var address = HostAndPort(host: "127.0.0.1", port: 8080)
        /// The origin people reach Parley at (used in join links and
        /// calendar feeds). Empty: derived from `address`.
        public var publicURL = ""
        /// Mark the session cookie `Secure` (set when served over HTTPS).
        public var secureCookies = false
        /// Take the client address from `X-Forwarded-For` (only behind a proxy you run).
        public var trustForwardedFor = false
        /// Largest request body accepted, in bytes.
        public var maxBodyBytes = 1_048_576
    }

    public struct Storage: Sendable, Equatable {
        /// Directory for the SQLite database and, later, recordings.
        public var dataDirectory = "./data"
        /// Empty: SQLite at `<dataDirectory>/parley.sqlite`. Otherwise a
        /// `postgres://user:password@host:port/database` URL.
        public var databaseURL = ""
    }

    public struct Accounts: Sendable, Equatable {
        public var allowSignup = true
        /// bcrypt work factor (4...31); 12 costs about a quarter second.
        public var bcryptCost = 12
        public var sessionDays = 30
        /// Failed sign-ins allowed per account and per client address within the window.
        public var maxFailuresPerAccount = 5
        public var maxFailuresPerAddress = 20
        public var failureWindowSeconds = 900
    }

    public struct Meetings: Sendable, Equatable {
        /// Minutes before an occurrence that invitees get a reminder, when the meeting doesn't say.
        public var defaultReminderMinutes = 10
        /// How often the reminder scheduler looks for due reminders.
        public var reminderScanSeconds = 15
        /// How long an unanswered call rings before it counts as missed.
        public var ringSeconds = 45
        /// How long someone whose connection dropped keeps their place in a
        /// meeting (shown as reconnecting) before they count as gone.
        public var reconnectGraceSeconds = 60
    }

    public struct Media: Sendable, Equatable {
        /// The one UDP port for all WebRTC media of this node (ICE, DTLS, SRTP; RFC 7983),
        /// and the TCP port of the same number when `tcp` is on.
        public var address = HostAndPort(host: "127.0.0.1", port: 40000)
        /// The address browsers are told to send media to; empty: the media host.
        public var publicAddress = ""
        /// The IP address the other nodes of a cluster send pipe datagrams
        /// to (this node on the network between nodes); empty: the media
        /// host, or `publicAddress` when the host is a wildcard.
        public var pipeAddress = ""
        /// Prefer H.264 to VP8 when a browser offers both.
        public var preferH264 = false
        /// Also take ICE-TCP (RFC 6544) on the same host and port, for networks
        /// that block UDP; browsers still prefer UDP.
        public var tcp = true
        /// Most ICE-TCP connections open at once.
        public var tcpMaxConnections = 1000
        /// Media loops (threads), each with its own UDP port (the configured
        /// port + its index) and its own rooms; 0: one per core.
        public var threads = 0
        /// Transports one media loop takes before the rooms on it spill new
        /// transports onto other loops; 0: spill only when a loop's CPU is busy.
        public var loopCapacity = 0
        /// Packets for one subscriber that leave in one burst at one size (a
        /// video frame's) go to the kernel as one segmented send (UDP GSO);
        /// off: one send per packet.
        public var udpSegmentation = true
        /// Most people in one meeting.
        public var roomCapacity = 100
    }

    public struct TURN: Sendable, Equatable {
        /// TURN server URLs given to browsers, e.g. "turn:turn.example.org:3478?transport=udp".
        public var urls: [String] = []
        /// The secret shared with coturn (`static-auth-secret`) for time-limited credentials.
        public var secret = ""
        /// How long issued TURN credentials stay valid, in seconds.
        public var credentialSeconds = 3600
    }

    /// The SIP/RTP phone gateway.
    public struct SIP: Sendable, Equatable {
        /// Where SIP listens, on UDP and TCP; nil: the gateway is off.
        public var address: HostAndPort? = HostAndPort(host: "127.0.0.1", port: 5060)
        /// The address phones send RTP to (SDP c= line); empty: the media public address, else the SIP host.
        public var publicAddress = ""
        /// The UDP ports for phones' RTP, one per call.
        public var rtpPorts = 41000...41999
        /// The dialplan file (relative to the working directory).
        public var dialplan = "Dialplans/default.dialplan"
        /// The directory of the spoken prompts (WAV).
        public var prompts = "Prompts"
        /// Codecs offered to phones, most preferred first.
        public var codecs = ["opus", "g722", "pcmu", "pcma"]
        /// Most concurrent calls; past it INVITEs get 503 with Retry-After. The
        /// gateway's one loop carries about 80 transcoded calls (`make bench-gateway`).
        public var maxCalls = 80
        /// Most callers waiting in the meeting-code prompt at once; past it
        /// such INVITEs get 503 with Retry-After (callers who dial a meeting's
        /// number directly do not count).
        public var maxPromptCalls = 20
        /// Refuse new calls (503) while the gateway loop has no headroom: its
        /// thread over 70 % of a core or its 20 ms tick over 10 ms late. Off
        /// only to measure past capacity (benchmarks).
        public var admitByLoad = true
        /// Most INVITEs one source address may send per minute.
        public var invitesPerMinute = 30
        /// A call that sends no RTP for this long is hung up, in seconds.
        public var rtpTimeoutSeconds = 30
        /// RFC 4028 session interval asked of phones, in seconds.
        public var sessionExpiresSeconds = 1800
        /// Show callers' numbers with all but the last digits masked.
        public var maskCallerNumbers = true
        /// Suppress steady background noise in callers' voices (speexdsp).
        public var noiseSuppression = true
        /// Bring quiet and loud callers to one level.
        public var automaticGain = true
        /// Telephone numbers that reach this gateway (a trunk's DIDs), as
        /// people should read them, e.g. "+1 555 0100"; shown with the
        /// meeting's dial-in code wherever a meeting's details are.
        public var dialInNumbers: [String] = []
        /// The domain of the SIP address people dial, sip:<code>@<domain>;
        /// empty: the host of the public origin.
        public var dialInDomain = ""
        /// SIP over TLS (`sips:`) on this port of `address`'s host, with the
        /// PEM certificate (chain) and key below; TLS is on when both are set.
        public var tlsPort = 5061
        public var tlsCertificate = ""
        public var tlsKey = ""
        /// Gateway loops (threads), each carrying its own calls and mixing
        /// clock; 0: one per core.
        public var threads = 0
        /// SIP headers of incoming calls that hosts and co-hosts see on the caller.
        public var callerHeaders: [String] = []
        /// Take calls that no trunk claims: softphones and PBXes dialling
        /// sip:<code>@<host> straight. Off: only trunks' calls (403 otherwise).
        public var directCalls = true
    }

    /// A SIP trunk or PBX (`[[trunk]]`, one entry each): dial-out to the
    /// numbers it serves goes through it, Parley may register to it, and
    /// calls to its own numbers must come from it.
    public struct Trunk: Sendable, Equatable {
        /// A short name for logs, metrics and hosts; empty: `trunk-<n>`.
        public var name = ""
        /// The trunk's SIP URI, e.g. "sip:sip.example.net"; empty: the trunk
        /// only brings calls in (no dial-out, no registration).
        public var uri = ""
        /// Digest user name and password Parley answers the trunk's
        /// challenges with (REGISTER, dial-out INVITEs).
        public var username = ""
        public var password = ""
        /// Register to the trunk so calls to its number (DID) ring into Parley.
        public var register = false
        /// Registration lifetime asked for, in seconds.
        public var registerSeconds = 600
        /// The caller id Parley presents on dial-out, e.g. "+15551234567".
        public var callerID = ""
        /// The numbers dialled out through this trunk: whole numbers or
        /// prefixes ending in `*` ("+1*"); the longest match wins, the first
        /// trunk on a tie. "*" (the default) is every number.
        public var dialOut = ["*"]
        /// The trunk's own numbers (DIDs): an INVITE to one of them is taken
        /// only from this trunk (its `allow` addresses or its credentials).
        public var numbers: [String] = []
        /// Addresses (IPs or CIDR blocks) the trunk's INVITEs come from.
        public var allow: [String] = []
        /// Digest credentials the trunk's INVITEs must carry (RFC 3261 §22);
        /// empty: no challenge.
        public var inboundUsername = ""
        public var inboundPassword = ""

        public init() {}
    }

    /// Meeting recordings: captured per track, composited to one MP4 with ffmpeg.
    public struct Recording: Sendable, Equatable {
        /// Where recordings live; empty: `<data_directory>/recordings`.
        public var directory = ""
        /// The ffmpeg that composites recordings.
        public var ffmpeg = "/usr/bin/ffmpeg"
        /// The font for participants' names in the composite.
        public var font = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
        /// The font for names in Chinese, Japanese or Korean (DejaVu has none of them).
        public var cjkFont = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
        /// Composite jobs that run at once; more wait in a queue.
        public var compositeJobs = 1
        /// Threads each ffmpeg job may use; 0 lets ffmpeg choose.
        public var compositeThreads = 2
        /// Recordings captured at once on this server; 0: no limit.
        public var maxRecordings = 20
        /// Free space the recording directory must keep: below it no recording
        /// starts, and below half of it a running one stops (and is finished
        /// from what it captured) before the disk fills. 0: no check.
        public var minFreeMegabytes = 1024
    }

    /// This server as a node of a cluster: every `parley serve` on one
    /// database is a node (one alone is a cluster of one).
    public struct Cluster: Sendable, Equatable {
        /// What operators call this node (`parley node drain <name>`); empty: the host name.
        public var nodeName = ""
        /// How often the node writes its heartbeat and load and reads its state.
        public var heartbeatSeconds = 2
        /// How long a draining node waits for its meetings to empty before it
        /// stops anyway (its participants then reconnect to another node).
        public var drainSeconds = 600
        /// People and phone calls a node carries at full load: new meetings
        /// start on the node furthest below it (its CPU counts too).
        public var nodeCapacity = 300
        /// From this stress (percent of `nodeCapacity`, or of the CPU
        /// ceiling) on, a meeting's node attaches new participants' media to
        /// a less stressed node: the room spans nodes.
        public var mediaSpillPercent = 90
        /// Where the other nodes reach this node's HTTP server (they relay
        /// the signaling of its meetings' people there); empty: `http.address`
        /// (with a wildcard address, this machine's host name).
        public var internalURL = ""
    }

    public struct Log: Sendable, Equatable {
        /// trace, debug, info, notice, warning, error, critical
        public var level = "info"
        /// "text" for people, "json" for log collectors.
        public var format = "text"
    }

    public var http = HTTP()
    public var storage = Storage()
    public var accounts = Accounts()
    public var meetings = Meetings()
    public var media = Media()
    public var turn = TURN()
    public var sip = SIP()
    /// The `[[trunk]]` entries (a single `[trunk]` table is the first).
    public var trunks: [Trunk] = []
    public var recording = Recording()
    public var cluster = Cluster()
    public var log = Log()

    public init() {}

    /// The public origin without a trailing slash.
    public var publicOrigin: String {
        var url = http.publicURL.isEmpty ? "http://\(http.address)" : http.publicURL
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }

    /// Where recordings are written.
    public var recordingDirectory: String {
        recording.directory.isEmpty ? (storage.dataDirectory as NSString).appendingPathComponent("recordings") : recording.directory
    }

    /// The SQLite file used when no database URL is configured.
    public var sqlitePath: String {
        (storage.dataDirectory as NSString).appendingPathComponent("parley.sqlite")
    }
}
