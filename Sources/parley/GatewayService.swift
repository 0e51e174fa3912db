import Foundation
import Gateway
import Logging
import NIOPosix
import Rooms
import ServiceLifecycle
import Settings
import Store
import WebApp

/// Runs the phone gateway for as long as the server runs.
struct GatewayService: Service {
    let gateway: PhoneGateway
    let metrics: AppMetrics

    func run() async throws {
        try await gateway.start()
        // /metrics: the gateway's figures, copied every few seconds until shutdown.
        let exporter = Task {
            var exported: [String: Int] = [:]
            while !Task.isCancelled {
                await export(&exported)
                try? await Task.sleep(for: .seconds(5))
            }
        }
        try? await gracefulShutdown()
        exporter.cancel()
        await gateway.stop()
    }

    /// Sets `parley_gateway_calls` and adds what the counters gained since the last export.
    private func export(_ exported: inout [String: Int]) async {
        let s = await gateway.statistics()
        let registry = metrics.registry
        registry.makeGauge(name: "parley_gateway_calls", labels: [], help: "Phone calls in progress.").set(Double(s.activeCalls))
        for (name, value) in s.counts {
            let delta = value - exported["c/" + name, default: 0]
            guard delta > 0 else { continue }
            exported["c/" + name] = value
            registry.makeCounter(name: "parley_gateway_events_total", labels: [("event", name)],
                                 help: "Phone gateway events: invites, refusals, DTMF keys, dial-outs, Opus packets.").increment(by: Int64(delta))
        }
        for (reason, value) in s.droppedPackets {
            let delta = value - exported["d/" + reason, default: 0]
            guard delta > 0 else { continue }
            exported["d/" + reason] = value
            registry.makeCounter(name: "parley_gateway_dropped_rtp_total", labels: [("reason", reason)],
                                 help: "RTP from phones dropped, by reason.").increment(by: Int64(delta))
        }
    }

    /// The gateway as `[sip]` and `[trunk]` describe it, or nil when SIP is off.
    /// A dialplan with errors stops the server here, before anything listens.
    static func make(configuration c: ParleyConfiguration, rooms: RoomRegistry, store: Store, metrics: AppMetrics,
                     logger: Logger) async throws -> GatewayService? {
        guard let address = c.sip.address else { return nil }
        let dialplan = try Dialplan.load(path: locate(c.sip.dialplan))
        let advertised = !c.sip.publicAddress.isEmpty ? c.sip.publicAddress
            : !c.media.publicAddress.isEmpty ? c.media.publicAddress : address.host
        let wildcard = ["0.0.0.0", "::", "[::]"].contains(advertised)
        guard !wildcard else {
            throw ConfigurationError(message: "sip.address \(address) listens on every interface, so set sip.public_address "
                + "(or media.public_address) to the IP phones should send RTP to")
        }
        let trunk: TrunkConfiguration? = c.trunk.uri.isEmpty ? nil : TrunkConfiguration(
            uri: c.trunk.uri, username: c.trunk.username, password: c.trunk.password, register: c.trunk.register,
            registerSeconds: c.trunk.registerSeconds, callerID: c.trunk.callerID)
        let configuration = GatewayConfiguration(
            sipHost: address.host, sipPort: address.port, rtpHost: address.host, advertisedAddress: advertised,
            rtpPorts: address.port == 0 ? 0...0 : c.sip.rtpPorts, codecs: c.sip.codecs, maxCalls: c.sip.maxCalls,
            invitesPerMinute: c.sip.invitesPerMinute, rtpTimeout: .seconds(Int64(c.sip.rtpTimeoutSeconds)),
            sessionExpires: c.sip.sessionExpiresSeconds, maskCallerNumbers: c.sip.maskCallerNumbers,
            promptsDirectory: locate(c.sip.prompts), trunk: trunk)
        let gateway = try await PhoneGateway(configuration: configuration, dialplan: dialplan, rooms: rooms,
                                             directory: StoreMeetingDirectory(store: store),
                                             eventLoop: MultiThreadedEventLoopGroup(numberOfThreads: 1).next(), logger: logger)
        await rooms.setDialer(gateway)
        return GatewayService(gateway: gateway, metrics: metrics)
    }

    /// A relative path as given if it exists from the working directory, else
    /// from the checkout the binary was built in (`.build/<config>/parley`), so
    /// `Prompts/` and `Dialplans/` are found wherever the server is started.
    static func locate(_ path: String) -> String {
        let files = FileManager.default
        guard !path.hasPrefix("/"), !files.fileExists(atPath: path) else { return path }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent(path).path
            if files.fileExists(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return path
    }
}
