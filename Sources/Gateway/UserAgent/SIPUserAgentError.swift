/// Why the SIP user agent could not start.
public enum SIPUserAgentError: Error, Sendable, Equatable {
    /// `start()` called twice.
    case alreadyStarted
    /// su_root, the wake-up pipe or nua could not be created (e.g. port in use).
    case startFailed(String)
}
