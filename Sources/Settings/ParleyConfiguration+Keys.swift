import Foundation

extension ParleyConfiguration {
    /// One configuration key: its dotted TOML name and how to apply a textual value.
    public struct Key: Sendable {
        public let name: String
        let apply: @Sendable (inout ParleyConfiguration, String) throws(ConfigurationError) -> Void

        /// `PARLEY_HTTP_ADDRESS` for `http.address`.
        public var environmentName: String {
            "PARLEY_" + name.uppercased().replacingOccurrences(of: ".", with: "_")
        }
    }

    /// Every key Parley understands. `Config/parley.toml` documents each one.
    public static let keys: [Key] = [
        Key(name: "http.address") { c, v throws(ConfigurationError) in c.http.address = try HostAndPort(parsing: v) },
        Key(name: "http.public_url") { c, v throws(ConfigurationError) in c.http.publicURL = try url(v) },
        Key(name: "http.secure_cookies") { c, v throws(ConfigurationError) in c.http.secureCookies = try bool(v) },
        Key(name: "http.trust_forwarded_for") { c, v throws(ConfigurationError) in
            c.http.trustForwardedFor = try bool(v)
        },
        Key(name: "http.max_body_bytes") { c, v throws(ConfigurationError) in
            c.http.maxBodyBytes = try int(v, 1024...67_108_864)
        },
        Key(name: "storage.data_dir") { c, v throws(ConfigurationError) in c.storage.dataDirectory = try nonEmpty(v) },
        Key(name: "storage.database_url") { c, v throws(ConfigurationError) in c.storage.databaseURL = v },
        Key(name: "accounts.allow_signup") { c, v throws(ConfigurationError) in c.accounts.allowSignup = try bool(v) },
        Key(name: "accounts.bcrypt_cost") { c, v throws(ConfigurationError) in c.accounts.bcryptCost = try int(v, 4...31) },
        Key(name: "accounts.session_days") { c, v throws(ConfigurationError) in
            c.accounts.sessionDays = try int(v, 1...365)
        },
        Key(name: "accounts.max_failures_per_account") { c, v throws(ConfigurationError) in
            c.accounts.maxFailuresPerAccount = try int(v, 1...1000)
        },
        Key(name: "accounts.max_failures_per_address") { c, v throws(ConfigurationError) in
            c.accounts.maxFailuresPerAddress = try int(v, 1...100_000)
        },
        Key(name: "accounts.failure_window_seconds") { c, v throws(ConfigurationError) in
            c.accounts.failureWindowSeconds = try int(v, 1...86_400)
        },
        Key(name: "meetings.default_reminder_minutes") { c, v throws(ConfigurationError) in
            c.meetings.defaultReminderMinutes = try int(v, 0...10_080)
        },
        Key(name: "meetings.reminder_scan_seconds") { c, v throws(ConfigurationError) in
            c.meetings.reminderScanSeconds = try int(v, 1...3600)
        },
        Key(name: "meetings.ring_seconds") { c, v throws(ConfigurationError) in
            c.meetings.ringSeconds = try int(v, 5...600)
        },
        Key(name: "meetings.reconnect_grace_seconds") { c, v throws(ConfigurationError) in
            c.meetings.reconnectGraceSeconds = try int(v, 5...3600)
        },
        Key(name: "media.address") { c, v throws(ConfigurationError) in c.media.address = try HostAndPort(parsing: v) },
        Key(name: "media.public_address") { c, v throws(ConfigurationError) in
            c.media.publicAddress = v.trimmingCharacters(in: .whitespaces)
        },
        Key(name: "media.pipe_address") { c, v throws(ConfigurationError) in
            c.media.pipeAddress = v.trimmingCharacters(in: .whitespaces)
        },
        Key(name: "media.prefer_h264") { c, v throws(ConfigurationError) in c.media.preferH264 = try bool(v) },
        Key(name: "media.tcp") { c, v throws(ConfigurationError) in c.media.tcp = try bool(v) },
        Key(name: "media.tcp_max_connections") { c, v throws(ConfigurationError) in
            c.media.tcpMaxConnections = try int(v, 1...100_000)
        },
        Key(name: "media.threads") { c, v throws(ConfigurationError) in
            c.media.threads = try int(v, 0...256)
        },
        Key(name: "media.loop_capacity") { c, v throws(ConfigurationError) in
            c.media.loopCapacity = try int(v, 0...1_000_000)
        },
        Key(name: "media.udp_segmentation") { c, v throws(ConfigurationError) in
            c.media.udpSegmentation = try bool(v)
        },
        Key(name: "media.room_capacity") { c, v throws(ConfigurationError) in
            c.media.roomCapacity = try int(v, 2...1000)
        },
        Key(name: "turn.urls") { c, v throws(ConfigurationError) in
            let urls = v.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            for u in urls where !(u.hasPrefix("turn:") || u.hasPrefix("turns:") || u.hasPrefix("stun:")) {
                throw ConfigurationError(message: "'\(u)' must start with turn:, turns: or stun:")
            }
            c.turn.urls = urls
        },
        Key(name: "turn.secret") { c, v throws(ConfigurationError) in c.turn.secret = v },
        Key(name: "turn.credential_seconds") { c, v throws(ConfigurationError) in
            c.turn.credentialSeconds = try int(v, 60...604_800)
        },
        Key(name: "sip.address") { c, v throws(ConfigurationError) in
            let t = v.trimmingCharacters(in: .whitespaces)
            c.sip.address = t.isEmpty || t == "off" ? nil : try HostAndPort(parsing: t)
        },
        Key(name: "sip.public_address") { c, v throws(ConfigurationError) in
            c.sip.publicAddress = v.trimmingCharacters(in: .whitespaces)
        },
        Key(name: "sip.rtp_ports") { c, v throws(ConfigurationError) in
            let parts = v.split(separator: "-").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard parts.count == 2, let low = parts[0], let high = parts[1], 1024 <= low, low <= high, high <= 65535 else {
                throw ConfigurationError(message: "'\(v)' is not a port range like 41000-41999 (ports 1024 to 65535)")
            }
            c.sip.rtpPorts = low...high
        },
        Key(name: "sip.dialplan") { c, v throws(ConfigurationError) in c.sip.dialplan = try nonEmpty(v) },
        Key(name: "sip.prompts") { c, v throws(ConfigurationError) in c.sip.prompts = try nonEmpty(v) },
        Key(name: "sip.codecs") { c, v throws(ConfigurationError) in
            let known = ["opus", "g722", "pcmu", "pcma"]
            let codecs = v.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty }
            for codec in codecs where !known.contains(codec) {
                throw ConfigurationError(message: "'\(codec)' is not a phone codec Parley speaks (\(known.joined(separator: ", ")))")
            }
            guard !codecs.isEmpty else { throw ConfigurationError(message: "name at least one codec") }
            c.sip.codecs = codecs
        },
        Key(name: "sip.noise_suppression") { c, v throws(ConfigurationError) in c.sip.noiseSuppression = try bool(v) },
        Key(name: "sip.automatic_gain") { c, v throws(ConfigurationError) in c.sip.automaticGain = try bool(v) },
        Key(name: "sip.dial_in_numbers") { c, v throws(ConfigurationError) in
            let numbers = v.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            for number in numbers {
                let digits = number.filter(\.isNumber)
                guard number.allSatisfy({ $0.isNumber || " +-().".contains($0) }), (3...20).contains(digits.count) else {
                    throw ConfigurationError(message: "'\(number)' is not a telephone number (digits, spaces, + - ( ) .)")
                }
            }
            c.sip.dialInNumbers = numbers
        },
        Key(name: "sip.dial_in_domain") { c, v throws(ConfigurationError) in
            guard v.allSatisfy({ $0.isLetter || $0.isNumber || ".-:[]".contains($0) }) else {
                throw ConfigurationError(message: "'\(v)' is not a host name for a SIP address")
            }
            c.sip.dialInDomain = v
        },
        Key(name: "sip.tls_port") { c, v throws(ConfigurationError) in c.sip.tlsPort = try int(v, 1...65535) },
        Key(name: "sip.tls_certificate") { c, v throws(ConfigurationError) in c.sip.tlsCertificate = v.trimmingCharacters(in: .whitespaces) },
        Key(name: "sip.tls_key") { c, v throws(ConfigurationError) in c.sip.tlsKey = v.trimmingCharacters(in: .whitespaces) },
        Key(name: "sip.threads") { c, v throws(ConfigurationError) in c.sip.threads = try int(v, 0...256) },
        Key(name: "sip.caller_headers") { c, v throws(ConfigurationError) in
            let names = v.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            // RFC 3261 §25.1: a header name is a token.
            let token = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.!%*_+`'~")
            guard names.count <= 8, names.allSatisfy({ $0.count <= 64 && $0.allSatisfy(token.contains) }) else {
                throw ConfigurationError(message: "sip.caller_headers: at most 8 comma-separated SIP header names, e.g. \"X-Customer-ID, X-Queue\"")
            }
            c.sip.callerHeaders = names
        },
        Key(name: "sip.direct_calls") { c, v throws(ConfigurationError) in c.sip.directCalls = try bool(v) },
        Key(name: "sip.max_calls") { c, v throws(ConfigurationError) in c.sip.maxCalls = try int(v, 1...10_000) },
        Key(name: "sip.max_prompt_calls") { c, v throws(ConfigurationError) in c.sip.maxPromptCalls = try int(v, 1...10_000) },
        Key(name: "sip.admit_by_load") { c, v throws(ConfigurationError) in c.sip.admitByLoad = try bool(v) },
        Key(name: "sip.invites_per_minute") { c, v throws(ConfigurationError) in c.sip.invitesPerMinute = try int(v, 1...10_000) },
        Key(name: "sip.rtp_timeout_seconds") { c, v throws(ConfigurationError) in c.sip.rtpTimeoutSeconds = try int(v, 5...3600) },
        Key(name: "sip.session_expires_seconds") { c, v throws(ConfigurationError) in
            // RFC 4028 §4: Min-SE is at least 90 seconds.
            c.sip.sessionExpiresSeconds = try int(v, 90...86_400)
        },
        Key(name: "sip.mask_caller_numbers") { c, v throws(ConfigurationError) in c.sip.maskCallerNumbers = try bool(v) },
        Key(name: "recording.directory") { c, v throws(ConfigurationError) in c.recording.directory = v.trimmingCharacters(in: .whitespaces) },
        Key(name: "recording.ffmpeg") { c, v throws(ConfigurationError) in c.recording.ffmpeg = try nonEmpty(v) },
        Key(name: "recording.font") { c, v throws(ConfigurationError) in c.recording.font = try nonEmpty(v) },
        Key(name: "recording.cjk_font") { c, v throws(ConfigurationError) in c.recording.cjkFont = try nonEmpty(v) },
        Key(name: "recording.composite_jobs") { c, v throws(ConfigurationError) in c.recording.compositeJobs = try int(v, 1...16) },
        Key(name: "recording.composite_threads") { c, v throws(ConfigurationError) in c.recording.compositeThreads = try int(v, 0...64) },
        Key(name: "recording.max_recordings") { c, v throws(ConfigurationError) in c.recording.maxRecordings = try int(v, 0...1000) },
        Key(name: "recording.min_free_megabytes") { c, v throws(ConfigurationError) in c.recording.minFreeMegabytes = try int(v, 0...10_000_000) },
        Key(name: "cluster.node_name") { c, v throws(ConfigurationError) in c.cluster.nodeName = try label(v, upTo: 63, naming: "node") },
        Key(name: "cluster.heartbeat_seconds") { c, v throws(ConfigurationError) in c.cluster.heartbeatSeconds = try int(v, 1...60) },
        Key(name: "cluster.drain_seconds") { c, v throws(ConfigurationError) in c.cluster.drainSeconds = try int(v, 0...86_400) },
        Key(name: "cluster.node_capacity") { c, v throws(ConfigurationError) in c.cluster.nodeCapacity = try int(v, 1...1_000_000) },
        Key(name: "cluster.media_spill_percent") { c, v throws(ConfigurationError) in c.cluster.mediaSpillPercent = try int(v, 1...10_000) },
        Key(name: "cluster.internal_url") { c, v throws(ConfigurationError) in c.cluster.internalURL = try url(v) },
        Key(name: "log.level") { c, v throws(ConfigurationError) in
            let levels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
            guard levels.contains(v.lowercased()) else {
                throw ConfigurationError(message: "'\(v)' is not a log level (\(levels.joined(separator: ", ")))")
            }
            c.log.level = v.lowercased()
        },
        Key(name: "log.format") { c, v throws(ConfigurationError) in
            guard v == "text" || v == "json" else {
                throw ConfigurationError(message: "'\(v)' is not a log format (text or json)")
            }
            c.log.format = v
        },
    ] + Trunk.fields.map { field in
        // `[trunk]` (one table, and PARLEY_TRUNK_*) is the first trunk.
        Key(name: "trunk." + field.name) { c, v throws(ConfigurationError) in
            if c.trunks.isEmpty { c.trunks.append(Trunk()) }
            try field.apply(&c.trunks[0], v)
        }
    }

    static func bool(_ v: String) throws(ConfigurationError) -> Bool {
        switch v.lowercased() {
        case "true", "1", "yes", "on": return true
        case "false", "0", "no", "off": return false
        default: throw ConfigurationError(message: "'\(v)' is not true or false")
        }
    }

    /// A name for logs and commands (a node's, a trunk's): ASCII letters,
    /// digits, '-', '_' and '.', at most `limit` of them.
    static func label(_ v: String, upTo limit: Int, naming what: String) throws(ConfigurationError) -> String {
        let name = v.trimmingCharacters(in: .whitespaces)
        guard name.count <= limit, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) else {
            throw ConfigurationError(message: "'\(v)' is not a \(what) name (letters, digits, '-', '_', '.'; at most \(limit))")
        }
        return name
    }

    static func int(_ v: String, _ range: ClosedRange<Int>) throws(ConfigurationError) -> Int {
        guard let i = Int(v.trimmingCharacters(in: .whitespaces)), range.contains(i) else {
            throw ConfigurationError(
                message: "'\(v)' is not a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return i
    }

    private static func nonEmpty(_ v: String) throws(ConfigurationError) -> String {
        guard !v.isEmpty else { throw ConfigurationError(message: "the value must not be empty") }
        return v
    }

    private static func url(_ v: String) throws(ConfigurationError) -> String {
        guard v.isEmpty || v.hasPrefix("http://") || v.hasPrefix("https://") else {
            throw ConfigurationError(message: "'\(v)' must start with http:// or https://")
        }
        return v
    }
}
