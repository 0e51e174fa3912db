import Foundation

/// Counts failed sign-ins per account and per client address in a sliding
/// window. Past the limit, further attempts are refused (429) until the
/// oldest failure leaves the window — even with the right password, so a
/// guesser learns nothing from the answer.
actor SignInRateLimiter {
    private let maxPerAccount: Int
    private let maxPerAddress: Int
    private let window: TimeInterval
    private var accountFailures: [String: [Date]] = [:]
    private var addressFailures: [String: [Date]] = [:]

    init(maxPerAccount: Int, maxPerAddress: Int, window: TimeInterval) {
        self.maxPerAccount = maxPerAccount
        self.maxPerAddress = maxPerAddress
        self.window = window
    }

    /// Seconds to wait before trying again, or nil when an attempt is allowed now.
    func retryAfter(account: String, address: String, now: Date = Date()) -> Int? {
        prune(now: now)
        var wait: TimeInterval = 0
        if let failures = accountFailures[account], failures.count >= maxPerAccount, let oldest = failures.first {
            wait = max(wait, oldest.addingTimeInterval(window).timeIntervalSince(now))
        }
        if let failures = addressFailures[address], failures.count >= maxPerAddress, let oldest = failures.first {
            wait = max(wait, oldest.addingTimeInterval(window).timeIntervalSince(now))
        }
        return wait > 0 ? Int(wait.rounded(.up)) : nil
    }

    func recordFailure(account: String, address: String, now: Date = Date()) {
        accountFailures[account, default: []].append(now)
        addressFailures[address, default: []].append(now)
    }

    /// A successful sign-in clears the account's failures (not the address's).
    func recordSuccess(account: String) {
        accountFailures[account] = nil
    }

    private func prune(now: Date) {
        let cutoff = now.addingTimeInterval(-window)
        accountFailures = accountFailures.compactMapValues { list in
            let kept = list.filter { $0 > cutoff }
            return kept.isEmpty ? nil : kept
        }
        addressFailures = addressFailures.compactMapValues { list in
            let kept = list.filter { $0 > cutoff }
            return kept.isEmpty ? nil : kept
        }
    }
}
