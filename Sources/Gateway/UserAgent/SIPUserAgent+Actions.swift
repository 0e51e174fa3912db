import Foundation

/// Call and registration actions. All are fire-and-forget and callable from
/// any thread: they run on the sofia thread, in the order they were made.
extension SIPUserAgent {
    /// Sends a response to the INVITE (or re-INVITE) of `call`: 180, 183 with
    /// SDP for early media, 200 with the answer (or our offer when the INVITE
    /// had none), or a final error such as 486, 404, 403, or 503 with
    /// `["Retry-After": "30"]`.
    public func respond(
        _ call: SIPCallID, status: Int, phrase: String, sdp: String? = nil, headers: [String: String] = [:]
    ) {
        respond(call, status: status, phrase: phrase, sdp: sdp, headerList: headers.sorted { $0.key < $1.key })
    }

    /// `respond` with headers in order, a name possibly more than once
    /// (several WWW-Authenticate challenges, RFC 8760 §2.4).
    public func respond(
        _ call: SIPCallID, status: Int, phrase: String, sdp: String? = nil, headerList: [(key: String, value: String)]
    ) {
        let headerText = Self.headerLines(headerList)
        let serial = call.serial
        perform { $0.respond(serial: serial, status: status, phrase: phrase, sdp: sdp, headers: headerText) }
    }

    /// Ends `call` as its state allows: BYE when answered, CANCEL for an
    /// outgoing call not yet answered, 480 for an incoming call not yet answered.
    public func hangUp(_ call: SIPCallID) {
        let serial = call.serial
        perform { $0.hangUp(serial: serial) }
    }

    /// Whether this node takes new calls: when not, out-of-dialog OPTIONS (a
    /// dispatcher's probe) are answered 503 so new calls go to other nodes;
    /// INVITEs are still decided one by one (a call for a meeting this node
    /// runs is taken).
    public func setTakesNewCalls(_ takes: Bool) {
        perform { $0.takesNewCalls = takes }
    }

    /// Asks the phone on `call` to call `target` instead (blind transfer,
    /// REFER with Refer-To, RFC 3515 §2.4). The answer and the phone's
    /// progress reports come as `.transferProgress`.
    public func refer(_ call: SIPCallID, to target: String) {
        let serial = call.serial
        let referTo = "<\(Self.sanitized(target))>"
        perform { $0.refer(serial: serial, to: referTo) }
    }

    /// Dials out. `from` is our URI (e.g. `sip:parley@gw.example.com`); 401/407
    /// challenges are answered once with `credentials` (the trunk's), else
    /// with `configuration.credentials`.
    @discardableResult
    public func invite(to uri: String, from: String, displayName: String? = nil, sdp: String,
                       credentials: SIPCredentials? = nil) -> SIPCallID {
        let id = SIPCallID(serial: nextSerial(), callID: "\(UUID().uuidString.lowercased())@parley")
        let fromHeader: String
        if let displayName, !displayName.isEmpty {
            let escaped = Self.sanitized(displayName)
                .replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "\"", with: "\\\"")
            fromHeader = "\"\(escaped)\" <\(Self.sanitized(from))>"
        } else {
            fromHeader = "<\(Self.sanitized(from))>"
        }
        let to = "<\(Self.sanitized(uri))>"
        perform { $0.invite(id: id, to: to, from: fromHeader, sdp: sdp, credentials: credentials) }
        return id
    }

    /// Registers `user` at `registrar` (a SIP URI such as `sip:pbx.example.com`)
    /// as the trunk `name` (one registration per name), answering 401/407 with
    /// `password`; nua refreshes before expiry. The AOR is
    /// `sip:user@<registrar host>` unless `aor` is given.
    public func register(name: String = "trunk", registrar: String, user: String, password: String, expires: Int = 3600,
                         aor: String? = nil) {
        let record = aor ?? "sip:\(user)@\(Self.host(ofURI: registrar))"
        let credentials = SIPCredentials(username: user, password: password)
        perform {
            $0.register(name: name, registrar: Self.sanitized(registrar), aor: Self.sanitized(record),
                        credentials: credentials, expires: max(expires, 0))
        }
    }

    /// Removes the registration of trunk `name`, or all of them (REGISTER with Expires: 0).
    public func unregister(name: String? = nil) {
        perform { $0.unregister(name: name) }
    }

    // MARK: - Helpers

    /// Extra header lines for SIPTAG_HEADER_STR; CR/LF are removed so a value
    /// cannot inject headers.
    static func headerLines(_ headers: [String: String]) -> String? {
        headerLines(headers.sorted { $0.key < $1.key })
    }

    static func headerLines(_ headers: [(key: String, value: String)]) -> String? {
        guard !headers.isEmpty else { return nil }
        return headers.map { "\(sanitized($0.key)): \(sanitized($0.value))" }.joined(separator: "\r\n")
    }

    static func sanitized(_ text: String) -> String {
        String(text.unicodeScalars.filter { $0 != "\r" && $0 != "\n" && $0 != "\0" })
    }

    /// Host of a SIP URI: `sip:user@host:5060;transport=tcp` → `host`.
    static func host(ofURI uri: String) -> String {
        var rest = Substring(uri)
        if let colon = rest.firstIndex(of: ":"), rest[..<colon].lowercased().hasPrefix("sip") {
            rest = rest[rest.index(after: colon)...]
        }
        if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        if let end = rest.firstIndex(where: { $0 == ";" || $0 == ">" || $0 == "?" }) { rest = rest[..<end] }
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
            return String(rest[...close])
        }
        if let colon = rest.firstIndex(of: ":") { rest = rest[..<colon] }
        return String(rest)
    }
}
