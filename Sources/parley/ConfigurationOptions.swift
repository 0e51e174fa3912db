import ArgumentParser
import Foundation
import Settings

/// Flags every subcommand that needs the configuration shares.
struct ConfigurationOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("TOML configuration file.", valueName: "FILE"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("Directory for the database and other data (storage.data_dir).", valueName: "DIR"))
    var dataDir: String?

    @Option(name: .long, help: ArgumentHelp("Address to listen on for HTTP (http.address).", valueName: "HOST:PORT"))
    var http: String?

    @Option(name: .long, help: ArgumentHelp("PostgreSQL URL; empty for SQLite (storage.database_url).", valueName: "URL"))
    var databaseURL: String?

    @Option(name: .long, help: ArgumentHelp("Origin people reach Parley at, e.g. https://meet.example.org (http.public_url).", valueName: "URL"))
    var publicURL: String?

    @Option(name: .long, help: ArgumentHelp("The UDP port for all WebRTC media (media.address).", valueName: "HOST:PORT"))
    var media: String?

    @Option(name: .long, help: ArgumentHelp("The address browsers send media to, e.g. this machine's public IP (media.public_address).", valueName: "IP"))
    var publicAddress: String?

    @Option(name: .long, help: ArgumentHelp("Where the phone gateway listens for SIP on UDP and TCP, or \"off\" (sip.address).", valueName: "HOST:PORT"))
    var sip: String?

    @Option(name: .long, help: ArgumentHelp("trace, debug, info, notice, warning, error or critical (log.level).", valueName: "LEVEL"))
    var logLevel: String?

    @Option(name: .customLong("set"), help: ArgumentHelp("Any setting by its TOML key, e.g. --set meetings.ring_seconds=30. Repeatable.", valueName: "KEY=VALUE"))
    var settings: [String] = []

    /// File < environment < flags.
    func load(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ParleyConfiguration {
        var overrides: [String: String] = [:]
        for setting in settings {
            guard let eq = setting.firstIndex(of: "=") else {
                throw ValidationError("--set takes KEY=VALUE, for example --set log.level=debug")
            }
            overrides[String(setting[..<eq])] = String(setting[setting.index(after: eq)...])
        }
        if let dataDir { overrides["storage.data_dir"] = dataDir }
        if let http { overrides["http.address"] = http }
        if let databaseURL { overrides["storage.database_url"] = databaseURL }
        if let publicURL { overrides["http.public_url"] = publicURL }
        if let logLevel { overrides["log.level"] = logLevel }
        if let media { overrides["media.address"] = media }
        if let publicAddress { overrides["media.public_address"] = publicAddress }
        if let sip { overrides["sip.address"] = sip }
        var text: String? = nil
        if let config {
            do {
                text = try String(contentsOfFile: config, encoding: .utf8)
            } catch {
                throw ValidationError("cannot read the configuration file \(config): \(error.localizedDescription)")
            }
        }
        let loaded: ParleyConfiguration
        do {
            loaded = try ParleyConfiguration.load(
                fileText: text, fileName: config ?? "configuration", environment: environment,
                overrides: overrides)
        } catch {
            throw ValidationError(error.message)
        }
        // Browsers cannot send media to a wildcard address: listening on every
        // interface needs the address to advertise (ICE-lite has no other way
        // to learn it).
        let host = loaded.media.address.host
        if loaded.media.publicAddress.isEmpty && (host == "0.0.0.0" || host == "::" || host == "[::]") {
            throw ValidationError(
                "media.address \(loaded.media.address) listens on every interface, so set media.public_address "
                    + "(--public-address) to the IP browsers should send media to, e.g. this machine's public address")
        }
        return loaded
    }
}
