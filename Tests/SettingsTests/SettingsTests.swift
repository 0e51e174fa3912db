import Foundation
import Testing
@testable import Settings

@Suite("Configuration")
struct SettingsTests {
    @Test("defaults are what the sample file documents")
    func defaults() throws {
        let c = try ParleyConfiguration.load(fileText: nil, environment: [:])
        #expect(c.http.address == HostAndPort(host: "127.0.0.1", port: 8080))
        #expect(c.storage.dataDirectory == "./data")
        #expect(c.storage.databaseURL == "")
        #expect(c.accounts.bcryptCost == 12)
        #expect(c.publicOrigin == "http://127.0.0.1:8080")
        #expect(c.sqlitePath == "./data/parley.sqlite")
    }

    @Test("flags override environment variables, which override the file")
    func precedence() throws {
        let file = """
            [http]
            address = "0.0.0.0:9000"   # comment
            public_url = "https://meet.example.org/"
            [accounts]
            bcrypt_cost = 10
            [log]
            level = "debug"
            """
        let env = ["PARLEY_HTTP_ADDRESS": "127.0.0.1:9100", "PARLEY_ACCOUNTS_BCRYPT_COST": "11", "UNRELATED": "x"]
        let fromFile = try ParleyConfiguration.load(fileText: file, environment: [:])
        #expect(fromFile.http.address.port == 9000)
        #expect(fromFile.publicOrigin == "https://meet.example.org")
        let fromEnv = try ParleyConfiguration.load(fileText: file, environment: env)
        #expect(fromEnv.http.address.port == 9100)
        #expect(fromEnv.accounts.bcryptCost == 11)
        #expect(fromEnv.log.level == "debug")
        let fromFlags = try ParleyConfiguration.load(fileText: file, environment: env, overrides: ["http.address": "[::1]:9200"])
        #expect(fromFlags.http.address == HostAndPort(host: "::1", port: 9200))
        #expect(fromFlags.http.address.description == "[::1]:9200")
    }

    @Test("the sample configuration in Config/ parses and lists every key")
    func sampleFile() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Config/parley.toml")
        let text = try String(contentsOf: url, encoding: .utf8)
        _ = try ParleyConfiguration.load(fileText: text, environment: [:])
        for key in ParleyConfiguration.keys {
            let parts = key.name.split(separator: ".")
            #expect(text.contains("[\(parts[0])]"), "section of \(key.name)")
            #expect(text.contains("\(parts[1]) ="), "sample file does not document \(key.name)")
        }
    }

    @Test("bad values are refused with the place they came from", arguments: [
        ("[http]\naddress = \"nowhere\"", "line 2"),
        ("[http]\naddress = 8080", "line 2"),
        ("[accounts]\nbcrypt_cost = 99", "4 to 31"),
        ("[nope]\nkey = 1", "unknown key 'nope.key'"),
        ("[http\naddress = \"a:1\"", "line 1"),
        ("[http]\naddress = \"a:1\nx", "line 2"),
        ("[http]\naddress = 'a:1' trailing", "unexpected text"),
        ("[log]\nlevel = \"loud\"", "not a log level"),
        ("[http]\naddress = \"a:1\"\naddress = \"b:2\"", "set twice"),
        ("x = bare", "need quotes"),
        ("[[tables]]\nx = 1", "unknown key 'tables.0.x'"),
        ("[[trunk]]\nuri = \"sip:a.example\"\n[trunk]\nuri = \"sip:b.example\"", "cannot also be a table"),
        ("[trunk]\nuri = \"sip:a.example\"\n[[trunk]]\nuri = \"sip:b.example\"", "cannot also be an array"),
        ("[[trunk]\nuri = \"sip:a.example\"", "expected ']]'"),
        ("[[trunk]]\nname = \"a\"\n[[trunk]]\nname = \"a\"", "two trunks are named 'a'"),
        ("[[trunk]]\nallow = [\"10.0.0.0/33\"]", "not an IP address or CIDR"),
        ("[[trunk]]\nallow = [\"example.net\"]", "not an IP address or CIDR"),
        ("[[trunk]]\ndial_out = [\"+1x*\"]", "not a number or a prefix"),
        ("[[trunk]]\nnumbers = [\"+1555*\"]", "not a telephone number"),
        ("[[trunk]]\nregister = true", "registers but has no uri"),
        ("[[trunk]]\ninbound_username = \"carrier\"", "both inbound_username and inbound_password"),
        ("[[trunk]]\nflavour = \"x\"", "unknown key 'trunk.0.flavour'"),
        ("[sip]\nrtp_ports = \"41000\"", "port range"),
        ("[sip]\nrtp_ports = \"5000-4000\"", "port range"),
        ("[sip]\ncodecs = \"pcmu, gsm\"", "'gsm' is not a phone codec"),
        ("[sip]\nsession_expires_seconds = 30", "90 to 86400"),
        ("[trunk]\nuri = \"trunk.example.net\"", "must start with sip:"),
    ])
    func badFiles(text: String, expected: String) {
        do {
            _ = try ParleyConfiguration.load(fileText: text, fileName: "parley.toml", environment: [:])
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.message.contains(expected), "\(error.message)")
        }
    }

    @Test("media.pipe_address reaches the media plane")
    func pipeAddressSetting() throws {
        let c = try ParleyConfiguration.load(fileText: "[media]\npipe_address = \" 10.0.0.5 \"", environment: [:])
        #expect(c.media.pipeAddress == "10.0.0.5")
    }

    @Test("the phone gateway's settings: address or off, port range, codecs, trunk")
    func gatewaySettings() throws {
        let c = try ParleyConfiguration.load(fileText: """
            [sip]
            address = "0.0.0.0:5070"
            rtp_ports = "42000-42999"
            codecs = "PCMU, opus"
            [trunk]
            uri = "sip:sip.example.net"
            register = true
            """, environment: [:])
        #expect(c.sip.address == HostAndPort(host: "0.0.0.0", port: 5070))
        #expect(c.sip.rtpPorts == 42000...42999)
        #expect(c.sip.codecs == ["pcmu", "opus"])
        #expect(c.trunks.count == 1 && c.trunks[0].uri == "sip:sip.example.net" && c.trunks[0].register)
        #expect(c.trunks[0].name == "trunk-1" && c.trunks[0].dialOut == ["*"])
        let off = try ParleyConfiguration.load(fileText: nil, environment: [:], overrides: ["sip.address": "off"])
        #expect(off.sip.address == nil)
        #expect(try ParleyConfiguration.load(fileText: nil, environment: [:]).sip.address == HostAndPort(host: "127.0.0.1", port: 5060))
    }

    @Test("[[trunk]] entries: each with its own address, credentials, numbers and access control")
    func severalTrunks() throws {
        let c = try ParleyConfiguration.load(fileText: """
            [[trunk]]
            name = "carrier-us"
            uri = "sip:sip.carrier.example"
            username = "parley"
            password = "s3cret"
            register = true
            caller_id = "+15550100"
            dial_out = ["+1*"]
            numbers = ["+1 555 0100", "+1 555 0101"]
            allow = ["203.0.113.0/24", "2001:db8::/32"]

            [[trunk]]
            name = "pbx"
            uri = "sip:pbx.example.org;transport=tcp"
            dial_out = ["0049*", "4930*"]
            inbound_username = "pbx"
            inbound_password = "pbx-secret"
            """, environment: ["PARLEY_TRUNK_1_CALLER_ID": "+49301234", "PARLEY_TRUNK_2_URI": "sip:third.example"],
            overrides: ["trunk.0.register_seconds": "120"])
        #expect(c.trunks.map(\.name) == ["carrier-us", "pbx", "trunk-3"])
        #expect(c.trunks[0].numbers == ["+1 555 0100", "+1 555 0101"] && c.trunks[0].allow.count == 2)
        #expect(c.trunks[0].registerSeconds == 120 && c.trunks[0].register && c.trunks[0].dialOut == ["+1*"])
        #expect(c.trunks[1].dialOut == ["0049*", "4930*"] && c.trunks[1].inboundUsername == "pbx")
        #expect(c.trunks[1].callerID == "+49301234")
        #expect(c.trunks[2].uri == "sip:third.example" && c.trunks[2].dialOut == ["*"])
        #expect(c.sip.directCalls)
        let closed = try ParleyConfiguration.load(fileText: "[sip]\ndirect_calls = false", environment: [:])
        #expect(!closed.sip.directCalls && closed.trunks.isEmpty)
    }

    @Test("bad environment values name the variable")
    func badEnvironment() {
        #expect(throws: ConfigurationError.self) {
            _ = try ParleyConfiguration.load(fileText: nil, environment: ["PARLEY_HTTP_ADDRESS": "x"])
        }
        do {
            _ = try ParleyConfiguration.load(fileText: nil, environment: ["PARLEY_ACCOUNTS_SESSION_DAYS": "0"])
        } catch {
            #expect(error.message.contains("PARLEY_ACCOUNTS_SESSION_DAYS"))
        }
    }

    @Test("TOML values: strings, escapes, numbers, booleans, arrays")
    func tomlValues() throws {
        let doc = try TOMLDocument(parsing: """
            a = "tab\\there \\"q\\""
            b = 'C:\\path'
            c = 1_000
            d = -2.5
            e = true
            f = [1, "two", false]
            [t.u]
            g = 3
            """)
        #expect(doc.values["a"] == .string("tab\there \"q\""))
        #expect(doc.values["b"] == .string("C:\\path"))
        #expect(doc.values["c"] == .integer(1000))
        #expect(doc.values["d"] == .float(-2.5))
        #expect(doc.values["e"] == .boolean(true))
        #expect(doc.values["f"] == .array([.integer(1), .string("two"), .boolean(false)]))
        #expect(doc.values["t.u.g"] == .integer(3))
    }

    @Test("files with Windows line endings parse")
    func crlf() throws {
        let c = try ParleyConfiguration.load(fileText: "[log]\r\nlevel = \"debug\"\r\n[http]\r\naddress = \"127.0.0.1:9\"\r\n", environment: [:])
        #expect(c.log.level == "debug")
        #expect(c.http.address.port == 9)
    }

    @Test("the TOML parser survives arbitrary bytes")
    func tomlJunk() {
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("[]=\"'#.,\\ \n\tabc123_-") + ["\u{0}", "é", "\u{202E}"]
        for _ in 0..<2000 {
            let text = String((0..<Int.random(in: 0...80, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
            _ = try? TOMLDocument(parsing: text)
        }
        _ = try? TOMLDocument(parsing: "a = " + String(repeating: "[", count: 100))
    }
}
