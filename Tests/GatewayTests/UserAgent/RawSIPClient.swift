import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A SIP message as the test client sees it: just enough parsing to check
/// status codes, headers and bodies.
struct RawSIPMessage: Sendable {
    var startLine: String
    var headers: [(name: String, value: String)]
    var body: String

    /// Status code of a response, nil for a request.
    var status: Int? {
        guard startLine.hasPrefix("SIP/2.0 ") else { return nil }
        return Int(startLine.split(separator: " ")[1])
    }

    /// Method of a request, nil for a response.
    var method: String? {
        startLine.hasPrefix("SIP/2.0") ? nil : startLine.split(separator: " ").first.map(String.init)
    }

    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    var cseqMethod: String? { header("CSeq")?.split(separator: " ").last.map(String.init) }

    /// The tag parameter of the To header.
    var toTag: String? {
        guard let to = header("To"), let range = to.range(of: ";tag=") else { return nil }
        return String(to[range.upperBound...].prefix { $0 != ";" && $0 != " " })
    }

    static func parse(_ text: String) -> RawSIPMessage? {
        guard let split = text.range(of: "\r\n\r\n") else { return nil }
        let head = text[..<split.lowerBound]
        var lines = head.components(separatedBy: "\r\n")
        guard !lines.isEmpty else { return nil }
        let start = lines.removeFirst()
        var headers: [(String, String)] = []
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append((String(line[..<colon]).trimmingCharacters(in: .whitespaces),
                            String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)))
        }
        return RawSIPMessage(startLine: start, headers: headers, body: String(text[split.upperBound...]))
    }
}

/// A hand-driven SIP peer on a loopback socket (UDP or TCP), non-blocking so
/// tests never park a cooperative thread.
final class RawSIPClient: @unchecked Sendable {
    let fd: Int32
    let port: Int
    let serverPort: Int
    let transport: String
    /// The loopback address it sends from (127.0.0.0/8 is all on `lo`, so
    /// tests have as many source addresses as they like).
    let localHost: String
    /// The loopback address it sends to (a proxy on 127.0.0.2, say).
    let serverHost: String
    private var tcpBuffer = ""

    init(serverPort: Int, tcp: Bool = false, localHost: String = "127.0.0.1", serverHost: String = "127.0.0.1") throws {
        transport = tcp ? "TCP" : "UDP"
        self.serverPort = serverPort
        self.serverHost = serverHost
        self.localHost = localHost
        let fd = socket(AF_INET, Int32(tcp ? SOCK_STREAM.rawValue : SOCK_DGRAM.rawValue), 0)
        self.fd = fd
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var addr = Self.loopback(port: 0, host: localHost)
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw POSIXError(.EADDRINUSE) }
        var local = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        let port = Int(UInt16(bigEndian: local.sin_port))
        self.port = port
        if tcp {
            var server = Self.loopback(port: serverPort, host: serverHost)
            let connected = withUnsafePointer(to: &server) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    }

    deinit { close(fd) }

    static func loopback(port: Int, host: String = "127.0.0.1") -> sockaddr_in {
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = UInt16(port).bigEndian
        addr.sin_addr.s_addr = inet_addr(host)
        return addr
    }

    func send(_ text: String) {
        sendBytes(Array(text.utf8))
    }

    func sendBytes(_ bytes: [UInt8]) {
        if transport == "TCP" {
            _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            return
        }
        var server = Self.loopback(port: serverPort, host: serverHost)
        _ = bytes.withUnsafeBytes { raw in
            withUnsafePointer(to: &server) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(fd, raw.baseAddress, raw.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
    }

    /// Next message matching `predicate` within `timeout`; others are skipped.
    func receive(timeout: Duration = .seconds(3), where predicate: (RawSIPMessage) -> Bool = { _ in true })
        async throws -> RawSIPMessage?
    {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let message = readOne() {
                if predicate(message) { return message }
                continue
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        return nil
    }

    /// The next message already here, if any (never waits).
    func receiveNow() -> RawSIPMessage? { readOne() }

    private func readOne() -> RawSIPMessage? {
        var buffer = [UInt8](repeating: 0, count: 65536)
        if transport == "UDP" {
            let n = recv(fd, &buffer, buffer.count, 0)
            guard n > 0 else { return nil }
            return RawSIPMessage.parse(String(decoding: buffer[0..<n], as: UTF8.self))
        }
        let n = recv(fd, &buffer, buffer.count, 0)
        if n > 0 { tcpBuffer += String(decoding: buffer[0..<n], as: UTF8.self) }
        // Frame by Content-Length (RFC 3261 §18.3).
        guard let end = tcpBuffer.range(of: "\r\n\r\n"),
              let head = RawSIPMessage.parse(String(tcpBuffer[..<end.upperBound])) else { return nil }
        let length = Int(head.header("Content-Length") ?? head.header("l") ?? "0") ?? 0
        let bodyBytes = Array(tcpBuffer[end.upperBound...].utf8)
        guard bodyBytes.count >= length else { return nil }
        let body = String(decoding: bodyBytes[0..<length], as: UTF8.self)
        tcpBuffer = String(decoding: bodyBytes[length...], as: UTF8.self)
        var message = head
        message.body = body
        return message
    }
}

/// Builds the requests a simple phone would send.
struct RawSIPDialog {
    let client: RawSIPClient
    let user: String
    let callID = UUID().uuidString
    let fromTag = String(UUID().uuidString.prefix(8))
    var toTag: String?
    var inviteBranch = RawSIPDialog.branch()
    var cseq = 1
    /// More header lines for the INVITE ("X-Meeting: 246810").
    var inviteHeaders: [String] = []
    /// Once answered through a proxy: the far end's Contact and the route
    /// set (RFC 3261 §12.1.2), which in-dialog requests then follow.
    var remoteTarget: String?
    var routeSet: [String] = []

    init(client: RawSIPClient, user: String = "room123") {
        self.client = client
        self.user = user
    }

    static func branch() -> String { "z9hG4bK-\(UUID().uuidString.prefix(12))" }

    var requestURI: String { "sip:\(user)@\(client.serverHost):\(client.serverPort)" }

    func request(_ method: String, branch: String, cseq: Int, cseqMethod: String? = nil,
                 body: String? = nil, extra: [String] = []) -> String {
        let toTagParam = toTag.map { ";tag=\($0)" } ?? ""
        let inDialog = toTag != nil && method != "CANCEL" && !(method == "ACK" && branch == inviteBranch)
        let target = inDialog ? remoteTarget ?? requestURI : requestURI
        let routes = inDialog ? routeSet.map { "Route: \($0)" } : []
        var lines = [
            "\(method) \(target) SIP/2.0",
            "Via: SIP/2.0/\(client.transport) \(client.localHost):\(client.port);branch=\(branch);rport",
            "Max-Forwards: 70",
            "From: \"Alice Caller\" <sip:alice@127.0.0.1>;tag=\(fromTag)",
            "To: <sip:\(user)@\(client.serverHost)>\(toTagParam)",
            "Call-ID: \(callID)",
            "CSeq: \(cseq) \(cseqMethod ?? method)",
            "Contact: <sip:alice@\(client.localHost):\(client.port);transport=\(client.transport.lowercased())>",
            "User-Agent: RawTest/1.0",
        ] + routes + extra
        if let body {
            lines.append("Content-Type: application/sdp")
            lines.append("Content-Length: \(body.utf8.count)")
            return lines.joined(separator: "\r\n") + "\r\n\r\n" + body
        }
        lines.append("Content-Length: 0")
        return lines.joined(separator: "\r\n") + "\r\n\r\n"
    }

    func sendInvite(sdp: String?) {
        client.send(request("INVITE", branch: inviteBranch, cseq: cseq, body: sdp, extra: inviteHeaders))
    }

    /// ACK for a 2xx is a new transaction (RFC 3261 §13.2.2.4).
    func sendAck(sdp: String? = nil) {
        client.send(request("ACK", branch: Self.branch(), cseq: cseq, body: sdp))
    }

    /// ACK for a non-2xx final response reuses the INVITE branch (§17.1.1.3).
    func sendErrorAck() {
        client.send(request("ACK", branch: inviteBranch, cseq: cseq))
    }

    func sendCancel() {
        client.send(request("CANCEL", branch: inviteBranch, cseq: cseq))
    }

    mutating func sendBye() {
        cseq += 1
        client.send(request("BYE", branch: Self.branch(), cseq: cseq))
    }

    mutating func sendReinvite(sdp: String) {
        cseq += 1
        inviteBranch = Self.branch()
        client.send(request("INVITE", branch: inviteBranch, cseq: cseq, body: sdp))
    }
}

/// An answer to a request the UA sends us (BYE, INVITE, REGISTER).
func rawResponse(to request: RawSIPMessage, status: Int, phrase: String, toTag: String? = nil,
                 extra: [String] = [], body: String? = nil) -> String {
    var lines = ["SIP/2.0 \(status) \(phrase)"]
    for (name, value) in request.headers {
        let lower = name.lowercased()
        if ["to", "t"].contains(lower), let toTag, !value.contains(";tag=") {
            lines.append("\(name): \(value);tag=\(toTag)")
        } else if ["via", "v", "from", "f", "to", "t", "call-id", "i", "cseq"].contains(lower) {
            lines.append("\(name): \(value)")
        }
    }
    lines += extra
    if let body {
        lines.append("Content-Type: application/sdp")
        lines.append("Content-Length: \(body.utf8.count)")
        return lines.joined(separator: "\r\n") + "\r\n\r\n" + body
    }
    lines.append("Content-Length: 0")
    return lines.joined(separator: "\r\n") + "\r\n\r\n"
}

let testOffer = """
v=0\r
o=alice 1 1 IN IP4 127.0.0.1\r
s=-\r
c=IN IP4 127.0.0.1\r
t=0 0\r
m=audio 40000 RTP/AVP 0 101\r
a=rtpmap:0 PCMU/8000\r
a=rtpmap:101 telephone-event/8000\r
a=sendrecv\r

"""

let testAnswer = """
v=0\r
o=parley 2 2 IN IP4 127.0.0.1\r
s=Parley\r
c=IN IP4 127.0.0.1\r
t=0 0\r
m=audio 50000 RTP/AVP 0 101\r
a=rtpmap:0 PCMU/8000\r
a=rtpmap:101 telephone-event/8000\r
a=sendrecv\r

"""
