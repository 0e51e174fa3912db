import ArgumentParser
import Foundation
import LoadTest
import Logging

/// `parley loadtest`: simulated participants (no browser) join real
/// meetings on a running Parley and send and receive WebRTC media; prints
/// what arrived, loss, delay, join times and, for a local server, its CPU
/// per forwarded packet.
struct LoadTestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loadtest",
        abstract: "Load a running Parley with simulated WebRTC participants and report what got through.",
        discussion: """
            Each room is a meeting made through the API (a new host account); publishers send synthetic \
            Opus and three-layer simulcast VP8, subscribers receive everything. Media is SRTP over UDP \
            from this machine: run it next to the server, e.g. in the same private network namespace.
            """)

    @Option(name: .long, help: ArgumentHelp("Parley's base URL.", valueName: "URL"))
    var server = "http://127.0.0.1:8080"

    @Option(name: .long, help: ArgumentHelp("The SFU to load: parley, or janus (its VideoRoom plugin, for comparison).", valueName: "parley|janus"))
    var target = "parley"

    @Option(name: .long, help: ArgumentHelp("Janus's HTTP API with --target janus.", valueName: "URL"))
    var janusURL = "http://127.0.0.1:8088/janus"

    @Option(name: .long, help: "Rooms (meetings) to load.")
    var rooms = 1

    @Option(name: .long, help: "Publishers per room (they receive the others too).")
    var publishers = 2

    @Option(name: .long, help: "Receive-only participants per room.")
    var subscribers = 4

    @Option(name: .long, help: ArgumentHelp("Publish audio: on or off.", valueName: "on|off"))
    var audio = "on"

    @Option(name: .long, help: ArgumentHelp("Publish video: on or off.", valueName: "on|off"))
    var video = "on"

    @Option(name: .long, help: ArgumentHelp("Joins per second, across rooms.", valueName: "RATE"))
    var rampRate = 5.0

    @Option(name: .long, help: ArgumentHelp("Seconds of full load once everyone has joined.", valueName: "SECONDS"))
    var duration = 20.0

    @Option(name: .long, help: ArgumentHelp("Seconds between the last join and the measured window.", valueName: "SECONDS"))
    var warmup = 2.0

    @Option(name: .long, help: ArgumentHelp("The server's process id: report its CPU per forwarded packet and RSS.", valueName: "PID"))
    var serverPid: Int32?

    @Option(name: .long, help: "Event loop threads of the generator.")
    var threads = 1

    @Option(name: .long, help: ArgumentHelp("Tile size each subscriber reports (layers.prefer); default: the page's grid in 1280×720.", valueName: "WxH"))
    var tile: String?

    @Option(name: .long, help: ArgumentHelp("Address the generator's sockets bind to.", valueName: "IP"))
    var bind = "127.0.0.1"

    @Option(name: .long, help: ArgumentHelp(
        "Another node of the same cluster a participant whose socket drops comes back through (repeatable).", valueName: "URL"))
    var resumeThrough: [String] = []

    @Flag(name: .long, help: ArgumentHelp(
        "Have the kernel split segmented datagrams (no UDP_GRO on the generator's sockets): on loopback that work is charged to the server."))
    var noReceiveOffload = false

    @Flag(name: .long, help: "Print the report as JSON (the progress line still goes to standard error).")
    var json = false

    @Flag(name: .long, help: "No progress line.")
    var quiet = false

    func run() async throws {
        guard let url = URL(string: server), url.scheme == "http" || url.scheme == "https" else {
            throw ValidationError("--server must be an http(s) URL")
        }
        var c = LoadTestConfiguration(server: url)
        switch target {
        case "parley": c.target = .parley
        case "janus":
            guard let janus = URL(string: janusURL) else { throw ValidationError("--janus-url must be a URL") }
            c.target = .janus(janus)
        default: throw ValidationError("--target is parley or janus")
        }
        c.rooms = rooms
        c.publishersPerRoom = publishers
        c.subscribersPerRoom = subscribers
        c.audio = try Self.onOff(audio, "--audio")
        c.video = try Self.onOff(video, "--video")
        c.rampRate = rampRate
        c.duration = duration
        c.warmup = warmup
        c.serverPID = serverPid
        c.threads = threads
        c.sockets = ClientSocketSettings(host: bind, receiveOffload: !noReceiveOffload)
        c.progress = !quiet
        c.resumeThrough = try resumeThrough.map { text in
            guard let url = URL(string: text), url.scheme == "http" || url.scheme == "https" else {
                throw ValidationError("--resume-through must be an http(s) URL")
            }
            return url
        }
        if let tile {
            let parts = tile.lowercased().split(separator: "x").compactMap { Int($0) }
            guard parts.count == 2 else { throw ValidationError("--tile wants WIDTHxHEIGHT, e.g. 640x360") }
            c.tile = (parts[0], parts[1])
        }
        var logger = Logger(label: "parley.loadtest")
        logger.logLevel = .warning
        let report = try await LoadTestRunner(configuration: c, logger: logger).run()
        print(json ? report.json : report.text)
    }

    static func onOff(_ value: String, _ flag: String) throws -> Bool {
        switch value.lowercased() {
        case "on", "true", "yes", "1": return true
        case "off", "false", "no", "0": return false
        default: throw ValidationError("\(flag) is on or off")
        }
    }
}
