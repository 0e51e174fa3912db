/// Writing a description as text.
extension SessionDescription {
    /// The description as SDP text: CRLF line endings, lines in the order of
    /// RFC 8866 §5 (session: v o s i u e p c b t a; media: m i c b a).
    public var serialized: String {
        var out = ""
        out.reserveCapacity(256 + media.count * 1024)
        func line(_ type: String, _ value: String) {
            out += type
            out += "="
            out += value
            out += "\r\n"
        }
        line("v", "0")
        line("o", origin.value)
        line("s", sessionName)
        if let information { line("i", information) }
        if let uri { line("u", uri) }
        for email in emails { line("e", email) }
        for phone in phones { line("p", phone) }
        if let connection { line("c", connection.value) }
        for bandwidth in bandwidths { line("b", bandwidth) }
        for time in timing { line("t", time) }
        for attribute in attributes { line("a", attribute.text) }
        for section in media {
            line("m", section.mediaLine)
            if let information = section.information { line("i", information) }
            if let connection = section.connection { line("c", connection.value) }
            for bandwidth in section.bandwidths { line("b", bandwidth) }
            for attribute in section.attributes { line("a", attribute.text) }
        }
        return out
    }
}
