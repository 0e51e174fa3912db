/// The line-by-line parser behind `SessionDescription(parsing:)`.
///
/// Works on the UTF-8 bytes: lines are split at LF (a CR before it is part of
/// the line ending), each line is checked for the `<type>=<value>` shape of
/// RFC 8866 §5, and only then is its value turned into a `String`. Every
/// failure is a thrown `SDPParseError` with the line number; nothing traps.
struct SDPParser {
    private var lineNumber = 0
    private var sawVersion = false
    private var origin: Origin?
    private var sessionName: String?
    private var information: String?
    private var uri: String?
    private var emails: [String] = []
    private var phones: [String] = []
    private var connection: Connection?
    private var bandwidths: [String] = []
    private var timing: [String] = []
    private var attributes: [SDPAttribute] = []
    private var sessionDirection: Direction?
    private var media: [MediaDescription] = []
    private var mids: Set<String> = []
    private var firstMediaLine: Int?
    // The section being read.
    private var sectionHasMid = false
    private var sectionDirection: Direction?

    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(SDPParseError) -> SessionDescription {
        let limit = SessionDescription.maximumSize
        if bytes.count > limit {
            var newlines = 0
            for index in 0..<limit where bytes[index] == 0x0A { newlines += 1 }
            throw SDPParseError(line: newlines + 1, reason: "the description is larger than \(limit) bytes")
        }
        var parser = SDPParser()
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count, bytes[end] != 0x0A { end += 1 }
            parser.lineNumber += 1
            var stop = end
            if stop > start, bytes[stop - 1] == 0x0D { stop -= 1 }
            try parser.consume(UnsafeBufferPointer(rebasing: bytes[start..<stop]))
            start = end + 1
        }
        return try parser.finish()
    }

    private func fail(_ reason: String) -> SDPParseError {
        SDPParseError(line: max(lineNumber, 1), reason: reason)
    }

    private mutating func consume(_ line: UnsafeBufferPointer<UInt8>) throws(SDPParseError) {
        if line.isEmpty { return }
        for byte in line where byte == 0x00 || byte == 0x0D {
            throw fail("a line may not contain NUL or a bare CR (RFC 8866 §9)")
        }
        guard line.count >= 2, line[1] == 0x3D, line[0] >= 0x61, line[0] <= 0x7A else {
            throw fail("expected <letter>=<value> (RFC 8866 §5)")
        }
        let type = line[0]
        if type == UInt8(ascii: "a"), sawVersion {
            // The most common line: split name and value on the bytes, without
            // building the whole value first.
            try consumeAttribute(UnsafeBufferPointer(rebasing: line[2...]), inMedia: !media.isEmpty)
            return
        }
        let value = String(decoding: UnsafeBufferPointer(rebasing: line[2...]), as: UTF8.self)
        guard sawVersion else {
            guard type == UInt8(ascii: "v"), value == "0" else { throw fail("the description must start with v=0") }
            sawVersion = true
            return
        }
        let inMedia = !media.isEmpty
        switch type {
        case UInt8(ascii: "v"):
            throw fail("v= may appear only once, as the first line")
        case UInt8(ascii: "o"):
            guard !inMedia else { throw fail("o= must come before the first m= line") }
            guard origin == nil else { throw fail("a second o= line") }
            guard let parsed = Origin(value: value) else {
                throw fail("o= needs <username> <numeric sess-id> <numeric sess-version> <nettype> <addrtype> <address> (RFC 8866 §5.2)")
            }
            origin = parsed
        case UInt8(ascii: "s"):
            guard !inMedia else { throw fail("s= must come before the first m= line") }
            guard sessionName == nil else { throw fail("a second s= line") }
            sessionName = value
        case UInt8(ascii: "i"):
            if inMedia {
                guard media[media.count - 1].information == nil else { throw fail("a second i= line in one m= section") }
                media[media.count - 1].information = value
            } else {
                guard information == nil else { throw fail("a second session-level i= line") }
                information = value
            }
        case UInt8(ascii: "u"):
            guard !inMedia else { throw fail("u= must come before the first m= line") }
            guard uri == nil else { throw fail("a second u= line") }
            uri = value
        case UInt8(ascii: "e"):
            guard !inMedia else { throw fail("e= must come before the first m= line") }
            emails.append(value)
        case UInt8(ascii: "p"):
            guard !inMedia else { throw fail("p= must come before the first m= line") }
            phones.append(value)
        case UInt8(ascii: "c"):
            guard let parsed = Connection(value: value) else {
                throw fail("c= needs <nettype> <addrtype> <address> (RFC 8866 §5.7)")
            }
            if inMedia {
                guard media[media.count - 1].connection == nil else { throw fail("a second c= line in one m= section") }
                media[media.count - 1].connection = parsed
            } else {
                guard connection == nil else { throw fail("a second session-level c= line") }
                connection = parsed
            }
        case UInt8(ascii: "b"):
            guard let (kind, amount) = SDPSyntax.split(value, at: 0x3A), SDPSyntax.isToken(kind),
                  SDPSyntax.decimal(amount, as: UInt64.self) != nil else {
                throw fail("b= needs <bwtype>:<bandwidth> (RFC 8866 §5.8)")
            }
            if inMedia { media[media.count - 1].bandwidths.append(value) } else { bandwidths.append(value) }
        case UInt8(ascii: "t"):
            guard !inMedia else { throw fail("t= must come before the first m= line") }
            let fields = SDPSyntax.fields(value)
            guard fields.count == 2, fields.allSatisfy({ SDPSyntax.decimal($0, as: UInt64.self) != nil }) else {
                throw fail("t= needs <start-time> <stop-time> (RFC 8866 §5.9)")
            }
            timing.append(value)
        case UInt8(ascii: "r"), UInt8(ascii: "z"):
            guard !inMedia else { throw fail("r= and z= must come before the first m= line") }
        case UInt8(ascii: "k"):
            break // Obsolete (RFC 8866 §5.12); dropped.
        case UInt8(ascii: "a"):
            return // Handled before the value is decoded.
        case UInt8(ascii: "m"):
            guard media.count < SessionDescription.maximumMediaCount else {
                throw fail("more than \(SessionDescription.maximumMediaCount) m= lines")
            }
            guard let section = SDPParser.parseMediaLine(value) else {
                throw fail("m= needs <media> <port>[/<count>] <proto> <fmt>… (RFC 8866 §5.14)")
            }
            if firstMediaLine == nil { firstMediaLine = lineNumber }
            media.append(section)
            sectionHasMid = false
            sectionDirection = nil
        default:
            throw fail("unknown line type \(String(UnicodeScalar(type)))= (RFC 8866 §5)")
        }
    }

    private mutating func consumeAttribute(_ text: UnsafeBufferPointer<UInt8>, inMedia: Bool) throws(SDPParseError) {
        let colon = text.firstIndex(of: 0x3A) ?? text.endIndex
        let nameBytes = UnsafeBufferPointer(rebasing: text[..<colon])
        guard !nameBytes.isEmpty, nameBytes.allSatisfy(SDPSyntax.isTokenByte) else {
            throw fail("an attribute name must be a token (RFC 8866 §5.13)")
        }
        let name = String(decoding: nameBytes, as: UTF8.self)
        let value = colon < text.endIndex
            ? String(decoding: UnsafeBufferPointer(rebasing: text[(colon + 1)...]), as: UTF8.self) : nil
        let attribute = SDPAttribute(name, value)
        if let problem = SDPParser.problem(with: attribute) { throw fail(problem) }
        if let direction = Direction(rawValue: attribute.name) {
            let current = inMedia ? sectionDirection : sessionDirection
            if let current, current != direction {
                throw fail("a=\(direction.rawValue) contradicts a=\(current.rawValue)")
            }
            if inMedia { sectionDirection = direction } else { sessionDirection = direction }
        }
        if inMedia {
            if attribute.name == "mid", let mid = attribute.value {
                guard !sectionHasMid else { throw fail("a second a=mid in one m= section") }
                guard mids.insert(mid).inserted else { throw fail("duplicate mid \(mid) (RFC 5888 §4)") }
                sectionHasMid = true
            }
            media[media.count - 1].attributes.append(attribute)
        } else {
            attributes.append(attribute)
        }
    }

    /// Why an attribute that a typed accessor reads is malformed, or nil.
    static func problem(with attribute: SDPAttribute) -> String? {
        let value = attribute.value
        switch attribute.name {
        case "rtpmap":
            guard let value, RTPMap(value: value) != nil else {
                return "a=rtpmap needs <payload type 0-127> <encoding>/<clock rate>[/<channels>] (RFC 8866 §6.6)"
            }
        case "fmtp":
            guard let value, FormatParametersLine(value: value) != nil else {
                return "a=fmtp needs <format> <parameters> (RFC 8866 §6.15)"
            }
        case "rtcp-fb":
            guard let value, FeedbackLine(value: value) != nil else {
                return "a=rtcp-fb needs <payload type or *> <type> (RFC 4585 §4.2)"
            }
        case "extmap":
            guard let value, HeaderExtension(attributeValue: value) != nil else {
                return "a=extmap needs <id 1-255>[/<direction>] <uri> (RFC 8285 §5)"
            }
        case "ssrc":
            guard let value, SSRCAttribute(attributeValue: value) != nil else {
                return "a=ssrc needs <32-bit ssrc> <attribute>[:<value>] (RFC 5576 §4.1)"
            }
        case "ssrc-group":
            guard let value, SSRCGroup(attributeValue: value) != nil else {
                return "a=ssrc-group needs <semantics> <ssrc>… (RFC 5576 §4.2)"
            }
        case "mid":
            guard let value, SDPSyntax.isToken(value) else { return "a=mid needs a token (RFC 5888 §4)" }
        case "fingerprint":
            guard let value, Fingerprint(attributeValue: value) != nil else {
                return "a=fingerprint needs <hash function> <hex pairs separated by colons> (RFC 8122 §5)"
            }
        case "setup":
            guard let value, ["active", "passive", "actpass", "holdconn"].contains(value) else {
                return "a=setup must be active, passive, actpass or holdconn (RFC 4145 §4)"
            }
        case "rid":
            guard let value, RID(attributeValue: value) != nil else {
                return "a=rid needs <id> send|recv [<restrictions>] (RFC 8851 §4)"
            }
        case "simulcast":
            guard let value, Simulcast(attributeValue: value) != nil else {
                return "a=simulcast needs send|recv <rid list> (RFC 8853 §5.1)"
            }
        case "msid":
            guard let value, MediaStreamID(attributeValue: value) != nil else {
                return "a=msid needs <stream id> [<track id>] (RFC 8830 §2)"
            }
        case "group":
            guard let value, SDPGroup(attributeValue: value) != nil else {
                return "a=group needs <semantics> <mid>… (RFC 5888 §5)"
            }
        case "sendrecv", "sendonly", "recvonly", "inactive":
            guard value == nil else { return "a=\(attribute.name) takes no value (RFC 8866 §6.7)" }
        default:
            break
        }
        return nil
    }

    /// `<media> <port>[/<number of ports>] <proto> <fmt> …` (RFC 8866 §5.14).
    /// A rejected section (port 0) may omit the formats.
    static func parseMediaLine(_ value: String) -> MediaDescription? {
        let fields = SDPSyntax.fields(value)
        guard fields.count >= 3, SDPSyntax.isToken(fields[0]) else { return nil }
        let port: UInt16
        var portCount: UInt16? = nil
        if let (number, count) = SDPSyntax.split(fields[1], at: 0x2F) {
            guard let p = SDPSyntax.decimal(number, as: UInt16.self),
                  let c = SDPSyntax.decimal(count, as: UInt16.self) else { return nil }
            port = p
            portCount = c
        } else {
            guard let p = SDPSyntax.decimal(fields[1], as: UInt16.self) else { return nil }
            port = p
        }
        let proto = fields[2]
        guard proto.utf8.split(separator: 0x2F, omittingEmptySubsequences: false)
            .allSatisfy({ SDPSyntax.isToken(Substring($0)) }) else { return nil }
        let formats = fields.dropFirst(3)
        guard !formats.isEmpty || port == 0 else { return nil }
        let isRTP = proto.utf8.split(separator: 0x2F).contains { $0.elementsEqual("RTP".utf8) }
        for format in formats {
            guard SDPSyntax.isToken(format) else { return nil }
            if isRTP {
                guard let pt = SDPSyntax.decimal(format, as: UInt8.self), pt <= 127 else { return nil }
            }
        }
        return MediaDescription(kind: String(fields[0]), port: port, portCount: portCount, proto: String(proto),
                                formats: formats.map(String.init))
    }

    private func finish() throws(SDPParseError) -> SessionDescription {
        guard sawVersion else { throw SDPParseError(line: 1, reason: "missing v=0 (RFC 8866 §5.1)") }
        guard let origin else {
            throw SDPParseError(line: firstMediaLine ?? max(lineNumber, 1), reason: "missing o= line (RFC 8866 §5.2)")
        }
        return SessionDescription(origin: origin, sessionName: sessionName ?? "-", information: information, uri: uri,
                                  emails: emails, phones: phones, connection: connection, bandwidths: bandwidths,
                                  timing: timing, attributes: attributes, media: media)
    }
}
