import ArgumentParser
import Foundation
import Hummingbird
import Logging
import Settings
import Store
import WebApp

/// `parley serve`: runs the server until SIGINT or SIGTERM.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the Parley server: web app, API, the WebRTC media node and the SIP phone gateway.")

    @OptionGroup var options: ConfigurationOptions

    func run() async throws {
        let configuration = try options.load()
        LogSetup.bootstrap(configuration.log)
        var logger = Logger(label: "parley")
        logger.logLevel = Logger.Level(rawValue: configuration.log.level) ?? .info

        try FileManager.default.createDirectory(
            atPath: configuration.storage.dataDirectory, withIntermediateDirectories: true)
        // Every loop and thread of the server, made here and nowhere else.
        let loops = ServerLoops(mediaThreads: configuration.media.threads, gatewayThreads: configuration.sip.threads)
        do {
            try await serve(configuration, loops: loops, logger: logger)
        } catch {
            await loops.shutdown()
            throw error
        }
        await loops.shutdown()
    }

    /// Opens the database, assembles the core and runs the web app around it
    /// until a signal ends the server.
    private func serve(_ configuration: ParleyConfiguration, loops: ServerLoops, logger: Logger) async throws {
        let database = try await Database.open(
            url: configuration.storage.databaseURL, sqlitePath: configuration.sqlitePath, logger: logger,
            eventLoopGroup: loops.http, threadPool: loops.blocking)
        logger.info(
            "database ready",
            metadata: ["engine": "\(database.engine.rawValue)", "path": "\(database.engine == .sqlite ? configuration.sqlitePath : "(url)")"])
        do {
            let store = Store(database: database)
            let metrics = AppMetrics()
            let core = try await ParleyCore.assemble(configuration: configuration, store: store, loops: loops, metrics: metrics, logger: logger)
            let app: any ApplicationProtocol
            do {
                app = try await ParleyServer.makeApplication(
                    configuration: configuration, store: store, core: core.webApp, metrics: metrics, services: core.services,
                    logger: logger)
            } catch {
                // The core runs but the web app cannot: stop the core before giving up.
                await core.stopAll()
                throw error
            }
            logger.info("Parley is listening", metadata: ["url": "http://\(configuration.http.address)", "public": "\(configuration.publicOrigin)"])
            try await app.runService()
        } catch {
            await database.close()
            throw error
        }
        await database.close()
    }
}

/// `parley config`: shows the effective configuration, or checks a file.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Check a configuration and print the settings Parley would use (secrets hidden).")

    @OptionGroup var options: ConfigurationOptions

    func run() async throws {
        let c = try options.load()
        let database = c.storage.databaseURL.isEmpty ? "sqlite:\(c.sqlitePath)" : "postgres (URL set, hidden)"
        print("""
            http.address = \(c.http.address)
            http.public_url = \(c.publicOrigin)
            http.secure_cookies = \(c.http.secureCookies)
            storage.data_dir = \(c.storage.dataDirectory)
            storage.database = \(database)
            accounts.allow_signup = \(c.accounts.allowSignup)
            accounts.bcrypt_cost = \(c.accounts.bcryptCost)
            meetings.default_reminder_minutes = \(c.meetings.defaultReminderMinutes)
            media.address = \(c.media.address)
            media.public_address = \(c.media.publicAddress.isEmpty ? c.media.address.host : c.media.publicAddress)
            turn.urls = \(c.turn.urls.joined(separator: ", "))
            turn.secret = \(c.turn.secret.isEmpty ? "(none)" : "(set, hidden)")
            sip.address = \(c.sip.address.map { "\($0)" } ?? "off")
            sip.rtp_ports = \(c.sip.rtpPorts.lowerBound)-\(c.sip.rtpPorts.upperBound)
            sip.dialplan = \(c.sip.dialplan)
            trunks = \(c.trunks.isEmpty ? "(none)" : c.trunks.map { "\($0.name) \($0.uri.isEmpty ? "(inbound only)" : $0.uri)" }.joined(separator: ", "))
            log.level = \(c.log.level)
            log.format = \(c.log.format)
            """)
    }
}
