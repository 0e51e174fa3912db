import ArgumentParser
import Foundation
import Settings
import Testing
@testable import parley

@Suite("The parley command line")
struct CommandLineTests {
    @Test("flags beat environment variables, which beat the file")
    func precedence() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("parley-\(UUID().uuidString).toml")
        try """
            [http]
            address = "127.0.0.1:7000"
            public_url = "https://file.example.org"
            [storage]
            data_dir = "/from/file"
            """.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }

        let fileOnly = try ConfigurationOptions.parse(["--config", file.path]).load(environment: [:])
        #expect(fileOnly.http.address.port == 7000)
        #expect(fileOnly.storage.dataDirectory == "/from/file")

        let env = ["PARLEY_HTTP_ADDRESS": "127.0.0.1:7100", "PARLEY_STORAGE_DATA_DIR": "/from/env"]
        let withEnv = try ConfigurationOptions.parse(["--config", file.path]).load(environment: env)
        #expect(withEnv.http.address.port == 7100)
        #expect(withEnv.storage.dataDirectory == "/from/env")
        #expect(withEnv.publicOrigin == "https://file.example.org")

        let withFlags = try ConfigurationOptions.parse([
            "--config", file.path, "--http", "0.0.0.0:7200", "--data-dir", "/from/flag", "--set", "meetings.ring_seconds=30",
        ]).load(environment: env)
        #expect(withFlags.http.address == HostAndPort(host: "0.0.0.0", port: 7200))
        #expect(withFlags.storage.dataDirectory == "/from/flag")
        #expect(withFlags.meetings.ringSeconds == 30)
    }

    @Test("mistakes are explained, not crashed on")
    func mistakes() throws {
        #expect(throws: (any Error).self) { try ConfigurationOptions.parse(["--config", "/no/such/file.toml"]).load(environment: [:]) }
        #expect(throws: (any Error).self) { try ConfigurationOptions.parse(["--http", "nonsense"]).load(environment: [:]) }
        #expect(throws: (any Error).self) { try ConfigurationOptions.parse(["--set", "no-equals-sign"]).load(environment: [:]) }
        #expect(throws: (any Error).self) { try ConfigurationOptions.parse(["--set", "unknown.key=1"]).load(environment: [:]) }
        do {
            _ = try ConfigurationOptions.parse(["--set", "accounts.bcrypt_cost=2"]).load(environment: [:])
        } catch {
            #expect("\(error)".contains("4 to 31"))
        }
    }

    @Test("media and TURN settings: flags win, bad values are explained")
    func media() throws {
        let c = try ConfigurationOptions.parse([
            "--media", "0.0.0.0:41000", "--public-address", "203.0.113.7",
            "--set", "turn.urls=turn:t.example.org:3478?transport=udp, turns:t.example.org:5349",
            "--set", "turn.secret=s",
        ]).load(environment: ["PARLEY_MEDIA_ADDRESS": "127.0.0.1:1", "PARLEY_MEDIA_PREFER_H264": "true"])
        #expect(c.media.address.description == "0.0.0.0:41000")
        #expect(c.media.publicAddress == "203.0.113.7")
        #expect(c.media.preferH264)
        #expect(c.turn.urls == ["turn:t.example.org:3478?transport=udp", "turns:t.example.org:5349"])
        #expect(throws: (any Error).self) { try ConfigurationOptions.parse(["--media", "nope"]).load(environment: [:]) }
        // Listening on every interface needs an address to advertise.
        #expect(throws: (any Error).self) { try ConfigurationOptions.parse(["--media", "0.0.0.0:40000"]).load(environment: [:]) }
        #expect(try ConfigurationOptions.parse(["--media", "0.0.0.0:40000", "--public-address", "192.0.2.1"]).load(environment: [:])
            .media.publicAddress == "192.0.2.1")
        #expect(throws: (any Error).self) {
            try ConfigurationOptions.parse(["--set", "turn.urls=http://not-turn"]).load(environment: [:])
        }
    }

    @Test("--help names every subcommand")
    func help() {
        let help = Parley.helpMessage()
        #expect(help.contains("serve"))
        #expect(help.contains("config"))
        #expect(help.contains("node"))
        let serveHelp = Parley.helpMessage(for: Serve.self)
        for flag in ["--config", "--data-dir", "--http", "--database-url", "--public-url", "--media", "--public-address", "--set"] {
            #expect(serveHelp.contains(flag), "\(flag)")
        }
    }
}
