import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension ParleyConfiguration.Trunk {
    /// One setting of a trunk: its name inside the entry and how to apply it.
    struct Field: Sendable {
        let name: String
        let apply: @Sendable (inout ParleyConfiguration.Trunk, String) throws(ConfigurationError) -> Void
    }

    typealias Config = ParleyConfiguration

    /// Every setting a `[[trunk]]` entry (or the single `[trunk]`) takes.
    static let fields: [Field] = [
        Field(name: "name") { t, v throws(ConfigurationError) in t.name = try Config.label(v, upTo: 40, naming: "trunk") },
        Field(name: "uri") { t, v throws(ConfigurationError) in
            let uri = v.trimmingCharacters(in: .whitespaces)
            guard uri.isEmpty || uri.hasPrefix("sip:") || uri.hasPrefix("sips:") else {
                throw ConfigurationError(message: "'\(v)' must start with sip: or sips:")
            }
            t.uri = uri
        },
        Field(name: "username") { t, v throws(ConfigurationError) in t.username = v },
        Field(name: "password") { t, v throws(ConfigurationError) in t.password = v },
        Field(name: "register") { t, v throws(ConfigurationError) in t.register = try Config.bool(v) },
        Field(name: "register_seconds") { t, v throws(ConfigurationError) in t.registerSeconds = try Config.int(v, 60...86_400) },
        Field(name: "caller_id") { t, v throws(ConfigurationError) in t.callerID = v.trimmingCharacters(in: .whitespaces) },
        Field(name: "dial_out") { t, v throws(ConfigurationError) in
            let patterns = items(v)
            for pattern in patterns where !isNumberPattern(pattern) {
                throw ConfigurationError(message: "'\(pattern)' is not a number or a prefix ending in * (e.g. \"+1*\")")
            }
            t.dialOut = patterns
        },
        Field(name: "numbers") { t, v throws(ConfigurationError) in
            let numbers = items(v)
            for number in numbers where number.contains("*") || !isNumberPattern(number) {
                throw ConfigurationError(message: "'\(number)' is not a telephone number")
            }
            t.numbers = numbers
        },
        Field(name: "allow") { t, v throws(ConfigurationError) in
            let blocks = items(v)
            for block in blocks where !isAddressBlock(block) {
                throw ConfigurationError(message: "'\(block)' is not an IP address or CIDR block (e.g. \"203.0.113.0/24\")")
            }
            t.allow = blocks
        },
        Field(name: "inbound_username") { t, v throws(ConfigurationError) in t.inboundUsername = v },
        Field(name: "inbound_password") { t, v throws(ConfigurationError) in t.inboundPassword = v },
    ]

    /// `trunk.<n>.<field>` (the n-th `[[trunk]]`, from 0) as a key that
    /// sets that entry, or nil for any other name.
    static func key(named name: String) -> ParleyConfiguration.Key? {
        let parts = name.split(separator: ".", maxSplits: 2).map(String.init)
        guard parts.count == 3, parts[0] == "trunk", let index = Int(parts[1]), (0..<32).contains(index),
              let field = fields.first(where: { $0.name == parts[2] }) else { return nil }
        return ParleyConfiguration.Key(name: name) { c, v throws(ConfigurationError) in
            while c.trunks.count <= index { c.trunks.append(Self()) }
            try field.apply(&c.trunks[index], v)
        }
    }

    private static func items(_ v: String) -> [String] {
        v.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// "+1 555 0100", "0049*", "*": digits (spaces and dashes for reading),
    /// an optional leading +, an optional trailing *.
    private static func isNumberPattern(_ p: String) -> Bool {
        var body = Substring(p)
        if body.hasSuffix("*") { body = body.dropLast() }
        if body.hasPrefix("+") { body = body.dropFirst() }
        let digits = body.filter { !" -".contains($0) }
        return (p.hasSuffix("*") || !digits.isEmpty) && digits.count <= 20 && digits.allSatisfy { $0.isASCII && $0.isNumber }
    }

    private static func isAddressBlock(_ block: String) -> Bool {
        let parts = block.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        var buffer = [UInt8](repeating: 0, count: 16)
        let bits: Int
        if inet_pton(AF_INET, parts[0], &buffer) == 1 {
            bits = 32
        } else if inet_pton(AF_INET6, parts[0], &buffer) == 1 {
            bits = 128
        } else {
            return false
        }
        guard parts.count == 2 else { return true }
        return Int(parts[1]).map { (0...bits).contains($0) } ?? false
    }
}

extension ParleyConfiguration {
    /// Names every trunk (`trunk-<n>` when unnamed) and checks what holds
    /// across entries: names are unique, a registering trunk has a URI.
    mutating func settleTrunks() throws(ConfigurationError) {
        var seen: Set<String> = []
        for index in trunks.indices {
            if trunks[index].name.isEmpty { trunks[index].name = "trunk-\(index + 1)" }
            let trunk = trunks[index]
            guard seen.insert(trunk.name).inserted else {
                throw ConfigurationError(message: "two trunks are named '\(trunk.name)'")
            }
            if trunk.register && trunk.uri.isEmpty {
                throw ConfigurationError(message: "trunk '\(trunk.name)' registers but has no uri")
            }
            if trunk.inboundUsername.isEmpty != trunk.inboundPassword.isEmpty {
                throw ConfigurationError(message: "trunk '\(trunk.name)' needs both inbound_username and inbound_password")
            }
        }
    }
}
