import CSofiaSIP
import Foundation
import Logging
import Synchronization

/// Routes sofia-sip's own diagnostics ("received garbage", transport errors)
/// into swift-log. Sofia's log redirection is process-wide, so the first
/// user agent's logger receives them, at `.debug`.
enum SofiaLogBridge {
    private final class Box: Sendable {
        let logger: Logger
        init(logger: Logger) { self.logger = logger }
    }

    private static let sink: parley_log_sink_f = { context, text in
        guard let context, let text else { return }
        let box = Unmanaged<Box>.fromOpaque(context).takeUnretainedValue()
        let line = String(cString: text).trimmingCharacters(in: .newlines)
        guard !line.isEmpty else { return }
        box.logger.debug("\(line)", metadata: ["source": "sofia-sip"])
    }

    private static let installed = Mutex(false)

    /// Installs the redirect once; later calls are ignored.
    static func install(logger: Logger) {
        installed.withLock { done in
            guard !done else { return }
            done = true
            // Deliberately leaked: sofia keeps the pointer for the process lifetime.
            let target = UnsafeMutablePointer<parley_log_target>.allocate(capacity: 1)
            let box = Unmanaged.passRetained(Box(logger: logger)).toOpaque()
            target.initialize(to: parley_log_target(sink: sink, context: box))
            parley_su_log_redirect(target)
        }
    }
}
