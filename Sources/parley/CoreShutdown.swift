import ServiceLifecycle

/// Ends the core at shutdown: recordings first, so their tracks end cleanly
/// (composites resume at the next start), then the rooms, then the media port.
struct CoreShutdown: Service {
    let core: ParleyCore

    func run() async throws {
        try? await gracefulShutdown()
        await core.stopCapturingAndMedia()
    }
}
