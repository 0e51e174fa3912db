import CSofiaSIP
import Foundation
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Parley's SIP user agent: sofia-sip's nua on one dedicated thread that owns
/// its `su_root` (sofia objects are not thread-safe), with events delivered
/// on an `AsyncStream` and actions callable from any thread.
///
/// Actions never call nua directly: they enqueue a closure and wake the sofia
/// thread through a pipe registered with `su_root_register`.
public final class SIPUserAgent: Sendable {
    /// The configuration the agent was created with.
    public let configuration: SIPUserAgentConfiguration
    /// Every call and registration event, in order. Single consumer.
    public let events: AsyncStream<SIPEvent>

    let logger: Logger
    let continuation: AsyncStream<SIPEvent>.Continuation
    let state: Mutex<State>

    enum Phase: Sendable { case idle, starting, running, stopping, stopped }

    struct State: ~Copyable {
        var phase: Phase = .idle
        var queue: [@Sendable (SIPStack) -> Void] = []
        var wakeFD: Int32 = -1
        var boundPort = 0
        var nextSerial: UInt64 = 1
        var stopWaiters: [CheckedContinuation<Void, Never>] = []
    }

    /// Creates a stopped agent; call `start()` to bind and run it.
    public init(configuration: SIPUserAgentConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        (events, continuation) = AsyncStream.makeStream(of: SIPEvent.self, bufferingPolicy: .unbounded)
        state = Mutex(State())
        SofiaLogBridge.install(logger: logger)
    }

    /// The port bound on UDP and TCP (meaningful after `start()`).
    public var boundPort: Int { state.withLock { $0.boundPort } }

    /// Starts the sofia thread, binds UDP and TCP and returns once the port is known.
    public func start() async throws {
        let ok = state.withLock { s -> Bool in
            guard s.phase == .idle else { return false }
            s.phase = .starting
            return true
        }
        guard ok else { throw SIPUserAgentError.alreadyStarted }
        // With TLS bound too, sofia reports the TLS contact, not the port it
        // chose for UDP and TCP: that port must be known beforehand.
        if configuration.tls != nil, configuration.port == 0 {
            state.withLock { $0.phase = .idle }
            throw SIPUserAgentError.startFailed("SIP over TLS needs a fixed SIP port (sip.address), not port 0")
        }
        try await withCheckedThrowingContinuation { (startup: CheckedContinuation<Void, any Error>) in
            let thread = Thread { [self] in self.runLoop(startup: startup) }
            thread.name = "parley-sofia-sip"
            thread.start()
        }
    }

    /// Shuts nua down (ending calls and registrations), stops the thread and
    /// finishes `events`. Safe to call more than once.
    public func stop() async {
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { s -> Bool in
                switch s.phase {
                case .idle, .stopped:
                    return true
                case .starting, .running, .stopping:
                    s.stopWaiters.append(waiter)
                    return false
                }
            }
            if resumeNow {
                waiter.resume()
            } else {
                perform { $0.shutdown() }
            }
        }
    }

    /// Runs `body` on the sofia thread. Dropped when the agent is not running.
    func perform(_ body: @escaping @Sendable (SIPStack) -> Void) {
        state.withLock { s in
            guard s.phase == .starting || s.phase == .running || s.phase == .stopping else { return }
            s.queue.append(body)
            if s.wakeFD >= 0 { Self.wake(s.wakeFD) }
        }
    }

    func nextSerial() -> UInt64 {
        state.withLock { s in
            defer { s.nextSerial += 1 }
            return s.nextSerial
        }
    }

    func emit(_ event: SIPEvent) {
        continuation.yield(event)
    }

    private static func wake(_ fd: Int32) {
        var byte: UInt8 = 1
        // A full pipe already guarantees a wake-up, so EAGAIN is fine.
        _ = write(fd, &byte, 1)
    }
}

extension SIPUserAgent {
    /// The body of the sofia thread: create root and nua here, run, tear down here.
    private func runLoop(startup: CheckedContinuation<Void, any Error>) {
        _ = su_init()
        defer { su_deinit() }
        guard let root = su_root_create(nil) else {
            finishStartup(failed: "su_root_create failed", startup: startup)
            return
        }
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else {
            su_root_destroy(root)
            finishStartup(failed: "pipe failed", startup: startup)
            return
        }
        for fd in fds { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        let stack = SIPStack(agent: self, root: root, wakeReadFD: fds[0])
        stack.startup = startup
        let magic = Unmanaged.passUnretained(stack).toOpaque()
        let index = parley_root_register_fd(root, fds[0], sofiaWakeCallback, magic)
        let nua = index < 0 ? nil : parley_nua_create(
            root, sofiaNUACallback, magic, configuration.bindURL, configuration.sipsURL, configuration.tls?.directory,
            configuration.userAgent,
            UInt32(clamping: configuration.sessionExpires), UInt32(clamping: configuration.minSessionExpires))
        guard let nua else {
            if index >= 0 { su_root_deregister(root, index) }
            su_root_destroy(root)
            close(fds[0]); close(fds[1])
            finishStartup(failed: "nua_create failed for \(configuration.bindURL)", startup: startup)
            return
        }
        stack.nua = nua
        state.withLock { s in
            s.wakeFD = fds[1]
            s.phase = .running
            if !s.queue.isEmpty { Self.wake(fds[1]) }
        }
        // The bound port (port 0 in tests) comes back in nua_r_get_params.
        parley_nua_get_params(nua)
        su_root_run(root)

        // su_root_break came after nua_r_shutdown: nothing is in flight.
        nua_destroy(nua)
        su_root_deregister(root, index)
        su_root_destroy(root)
        let waiters = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            close(s.wakeFD)
            s.wakeFD = -1
            s.phase = .stopped
            s.queue.removeAll()
            defer { s.stopWaiters.removeAll() }
            return s.stopWaiters
        }
        close(fds[0])
        if let pending = stack.startup {
            stack.startup = nil
            pending.resume(throwing: SIPUserAgentError.startFailed("stopped during start"))
        }
        continuation.finish()
        logger.info("SIP user agent stopped")
        withExtendedLifetime(stack) {}
        for waiter in waiters { waiter.resume() }
    }

    private func finishStartup(failed reason: String, startup: CheckedContinuation<Void, any Error>) {
        logger.error("SIP user agent failed to start", metadata: ["reason": "\(reason)"])
        let waiters = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.phase = .stopped
            defer { s.stopWaiters.removeAll() }
            return s.stopWaiters
        }
        continuation.finish()
        startup.resume(throwing: SIPUserAgentError.startFailed(reason))
        for waiter in waiters { waiter.resume() }
    }

    /// Called on the sofia thread when the wake pipe is readable.
    func drainQueue(stack: SIPStack) {
        var buffer = [UInt8](repeating: 0, count: 64)
        while read(stack.wakeReadFD, &buffer, buffer.count) > 0 {}
        let work = state.withLock { s -> [@Sendable (SIPStack) -> Void] in
            defer { s.queue.removeAll() }
            return s.queue
        }
        guard !work.isEmpty else { return }
        for item in work { item(stack) }
    }

    func setBoundPort(_ port: Int) {
        state.withLock { $0.boundPort = port }
    }
}

/// su_root wake-up callback: `arg` is the SIPStack.
private let sofiaWakeCallback: su_wakeup_f = { _, _, arg in
    guard let arg else { return 0 }
    let stack = Unmanaged<SIPStack>.fromOpaque(arg).takeUnretainedValue()
    stack.agent.drainQueue(stack: stack)
    return 0
}

/// nua event callback: `magic` is the SIPStack.
private let sofiaNUACallback: nua_callback_f = { event, status, phrase, nua, magic, nh, _, sip, tags in
    guard let magic else { return }
    let stack = Unmanaged<SIPStack>.fromOpaque(magic).takeUnretainedValue()
    stack.handle(event: event, status: Int(status), phrase: phrase.map { String(cString: $0) } ?? "",
                 handle: nh, sip: sip, tags: tags)
}
