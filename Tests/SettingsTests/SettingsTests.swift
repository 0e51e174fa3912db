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
        ("[[tables]]", "arrays of tables"),
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
        #expect(c.trunk.uri == "sip:sip.example.net" && c.trunk.register)
        let off = try ParleyConfiguration.load(fileText: nil, environment: [:], overrides: ["sip.address": "off"])
        #expect(off.sip.address == nil)
        #expect(try ParleyConfiguration.load(fileText: nil, environment: [:]).sip.address == HostAndPort(host: "127.0.0.1", port: 5060))
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
