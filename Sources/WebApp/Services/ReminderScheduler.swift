import Foundation
import Logging
import Meetings
import ServiceLifecycle
import Store

/// Sends each participant of a scheduled meeting a reminder the meeting's
/// `reminderMinutes` before every occurrence.
///
/// Reminders are stored notifications with a unique key per (meeting,
/// occurrence, person), so a scan that runs twice — or again after a restart
/// — sends each reminder once, and one that was due while the server was down
/// still goes out if the occurrence has not started yet.
struct ReminderScheduler: Service {
    let services: AppServices

    func run() async throws {
        let interval = Duration.seconds(services.configuration.meetings.reminderScanSeconds)
        var lastHousekeeping = ContinuousClock.now - .seconds(3600)
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await scan(now: Date())
            } catch {
                services.logger.error("reminder scan failed", metadata: ["error": "\(error)"])
            }
            if ContinuousClock.now - lastHousekeeping >= .seconds(3600) {
                try? await services.store.purgeExpiredSessions()
                lastHousekeeping = ContinuousClock.now
            }
            // Wake at once on graceful shutdown rather than finishing the nap.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }

    /// One pass: finds occurrences whose reminder time has come and that have
    /// not started, and notifies everyone in them. Returns how many were sent.
    @discardableResult
    func scan(now: Date) async throws -> Int {
        let store = services.store
        let nowMs = Timestamp.milliseconds(now)
        let meetings = try await store.scheduledMeetings(activeAfter: nowMs, startingBefore: nowMs + 10_080 * 60_000 + 60_000)
        let overrides = try await store.overrides(meetingIds: meetings.map(\.id))
        var sent = 0
        for meeting in meetings where meeting.reminderMinutes > 0 {
            guard let series = MeetingSchedule.series(meeting, overrides: overrides[meeting.id] ?? []) else { continue }
            let lead = TimeInterval(meeting.reminderMinutes * 60)
            let due = series.occurrences(from: now, to: now.addingTimeInterval(lead + 1))
                .filter { $0.start > now && $0.start.addingTimeInterval(-lead) <= now }
            guard !due.isEmpty else { continue }
            let people = [meeting.hostId] + (try await store.inviteeIds(meetingId: meeting.id))
            for occurrence in due {
                let minutes = max(1, Int((occurrence.start.timeIntervalSince(now) / 60).rounded()))
                struct Reminder: Encodable {
                    var meetingId: String
                    var title: String
                    var joinUrl: String
                    var occurrenceStart: String
                    var minutesBefore: Int
                }
                let data = Reminder(
                    meetingId: meeting.id, title: occurrence.title ?? meeting.title,
                    joinUrl: "\(services.origin)/m/\(meeting.code)", occurrenceStart: Instant.string(occurrence.start),
                    minutesBefore: minutes)
                for person in people {
                    let key = "reminder:\(meeting.id):\(Timestamp.milliseconds(occurrence.start)):\(person)"
                    if try await services.notifier.notify(userId: person, kind: "reminder", data: data, dedupeKey: key) {
                        sent += 1
                        services.metrics.remindersSent.increment()
                    }
                }
            }
        }
        return sent
    }
}
