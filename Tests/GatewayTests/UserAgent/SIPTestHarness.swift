import Gateway
import Logging
import Synchronization
import Testing

/// A running user agent on an ephemeral loopback port plus a recorder of its events.
final class SIPTestHarness: Sendable {
    let agent: SIPUserAgent
    private let recorded = Mutex<[SIPEvent]>([])
    private let pump = Mutex<Task<Void, Never>?>(nil)

    init(tls: SIPUserAgentConfiguration.TLS? = nil) async throws {
        var logger = Logger(label: "parley.sip.test")
        logger.logLevel = .info
        // With TLS the SIP port must be fixed (sofia reports the TLS contact).
        let port = tls == nil ? 0 : try #require(SIPUserAgentBaresipTests.freePortWithFreeNeighbour())
        agent = SIPUserAgent(configuration: SIPUserAgentConfiguration(host: "127.0.0.1", port: port, tls: tls), logger: logger)
        try await agent.start()
        let events = agent.events
        // Holds self until `events` finishes (stop()), which is what the tests want.
        let task = Task {
            for await event in events { self.recorded.withLock { $0.append(event) } }
        }
        pump.withLock { $0 = task }
    }

    var port: Int { agent.boundPort }
    var events: [SIPEvent] { recorded.withLock { $0 } }

    /// First recorded event that `match` maps to a value, waiting up to `timeout`.
    func waitFor<T>(timeout: Duration = .seconds(3), _ match: (SIPEvent) -> T?) async throws -> T? {
        let deadline = ContinuousClock.now + timeout
        repeat {
            if let found = events.lazy.compactMap(match).first { return found }
            try await Task.sleep(for: .milliseconds(5))
        } while ContinuousClock.now < deadline
        return nil
    }

    func incomingCall(timeout: Duration = .seconds(3)) async throws -> (SIPCallID, IncomingCall)? {
        try await waitFor(timeout: timeout) { if case let .incomingCall(id, info) = $0 { (id, info) } else { nil } }
    }

    func shutdown() async {
        await agent.stop()
        await pump.withLock { $0 }?.value
    }
}
