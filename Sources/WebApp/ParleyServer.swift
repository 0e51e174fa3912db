import Crypto
import Foundation
import Hummingbird
import HummingbirdBcrypt
import HummingbirdWebSocket
import Logging
import Recording
import NIOPosix
import Rooms
import SFU
import ServiceLifecycle
import Settings
import Store

/// Assembles Parley's HTTP front door: routes, middleware, the live hub and
/// background services, from a configuration and an open store.
public enum ParleyServer {
    /// The application, ready to `runService()` (or to drive in tests).
    /// `frontDoors` adds services that share the live rooms (the phone
    /// gateway, wired by the executable so the web app never imports it).
    public static func makeApplication(
        configuration: ParleyConfiguration, store: Store, metrics: AppMetrics = AppMetrics(), logger: Logger,
        frontDoors: (RoomRegistry) async throws -> [any Service] = { _ in [] }
    ) async throws -> some ApplicationProtocol {
        let services = try await makeServices(configuration: configuration, store: store, metrics: metrics, logger: logger)
        let extra = try await frontDoors(services.rooms)
        let router = try makeRouter(services: services)
        return Application(
            router: router,
            // Pings every 20 s: a browser that vanished without closing (laptop lid
            // shut, network gone) is dropped, so its friends see it go offline.
            server: .http1WebSocketUpgrade(
                webSocketRouter: router,
                configuration: .init(maxFrameSize: 1 << 16, autoPing: .enabled(timePeriod: .seconds(20)), validateUTF8: true)),
            configuration: .init(
                address: .hostname(configuration.http.address.host, port: configuration.http.address.port),
                serverName: "Parley"),
            services: [ReminderScheduler(services: services), LiveHubCloser(hub: services.hub),
                       MediaShutdown(media: services.media, rooms: services.rooms, recordings: services.recordings)] + extra,
            logger: logger)
    }

    static func makeServices(
        configuration: ParleyConfiguration, store: Store, metrics: AppMetrics, logger: Logger
    ) async throws -> AppServices {
        let hub = LiveHub(store: store, logger: logger)
        let keyText = try await store.secret(named: "join_token_key") {
            Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
        }
        let cost = UInt8(configuration.accounts.bcryptCost)
        let dummyHash = try await NIOThreadPool.singleton.runIfActive {
            Bcrypt.hash(UUID().uuidString, cost: cost)
        }
        let accounts = configuration.accounts
        let mediaSettings = configuration.media
        let media = try MediaNode(
            configuration: MediaConfiguration(
                host: mediaSettings.address.host, port: mediaSettings.address.port,
                publicAddress: mediaSettings.publicAddress.isEmpty ? nil : mediaSettings.publicAddress,
                preferH264: mediaSettings.preferH264),
            eventLoop: MediaNode.dedicatedEventLoop, logger: logger)
        try await media.start()
        let rooms = RoomRegistry(media: media, capacity: mediaSettings.roomCapacity, logger: logger)
        await rooms.start()
        let recordingSettings = configuration.recording
        let recordings = RecordingService(
            store: store, rooms: rooms,
            settings: RecordingSettings(
                directory: URL(fileURLWithPath: configuration.recordingDirectory, isDirectory: true),
                ffmpeg: recordingSettings.ffmpeg, font: recordingSettings.font, cjkFont: recordingSettings.cjkFont,
                compositeJobs: recordingSettings.compositeJobs, compositeThreads: recordingSettings.compositeThreads,
                maxRecordings: recordingSettings.maxRecordings,
                minFreeBytes: Int64(recordingSettings.minFreeMegabytes) * 1_000_000),
            logger: logger)
        // Recordings a crash or restart interrupted are finished from what is on disk.
        await recordings.recover()
        await rooms.setAdmissionObserver { room in await recordings.participantAdmitted(to: room) }
        return AppServices(
            configuration: configuration, store: store, hub: hub,
            notifier: Notifier(store: store, hub: hub, logger: logger),
            rateLimiter: SignInRateLimiter(
                maxPerAccount: accounts.maxFailuresPerAccount, maxPerAddress: accounts.maxFailuresPerAddress,
                window: TimeInterval(accounts.failureWindowSeconds)),
            passcodeLimiter: SignInRateLimiter(
                maxPerAccount: 10, maxPerAddress: 30, window: TimeInterval(accounts.failureWindowSeconds)),
            metrics: metrics, media: media, rooms: rooms, recordings: recordings, logger: logger, joinTokenKey: Data(base64Encoded: keyText) ?? Data(keyText.utf8),
            dummyPasswordHash: dummyHash)
    }

    static func makeRouter(services: AppServices) throws -> Router<AppRequestContext> {
        let router = Router(context: AppRequestContext.self)
        router.middlewares.add(MetricsMiddleware(metrics: services.metrics))
        router.middlewares.add(SecurityHeadersMiddleware())
        router.middlewares.add(ErrorMiddleware())
        if let publicDirectory = SystemController.publicDirectory {
            router.middlewares.add(
                FileMiddleware(publicDirectory, cacheControl: .init([(MediaType(type: .any), [.noCache])]), searchForIndexHtml: false, logger: services.logger))
        }
        router.middlewares.add(SessionMiddleware(store: services.store))

        let meetings = MeetingController(services: services)
        AuthController(services: services).addRoutes(to: router)
        ProfileController(services: services).addRoutes(to: router)
        meetings.addRoutes(to: router)
        CalendarController(services: services, meetings: meetings).addRoutes(to: router)
        JoinController(services: services).addRoutes(to: router)
        FriendController(services: services).addRoutes(to: router)
        CallController(services: services).addRoutes(to: router)
        RecordingController(services: services).addRoutes(to: router)
        NotificationController(services: services).addRoutes(to: router)
        LiveSocket(hub: services.hub, store: services.store, metrics: services.metrics).addRoutes(to: router)
        SignalingSocket(services: services, rooms: services.rooms).addRoutes(to: router)
        try SystemController(services: services).addRoutes(to: router)
        return router
    }
}

/// Closes open WebSockets when the server shuts down, so shutdown does not
/// wait for browsers to hang up.
struct LiveHubCloser: Service {
    let hub: LiveHub

    func run() async throws {
        try? await gracefulShutdown()
        await hub.closeAll()
    }
}

/// Ends live meetings and closes the media port when the server shuts down.
struct MediaShutdown: Service {
    let media: MediaNode
    let rooms: RoomRegistry
    let recordings: RecordingService

    func run() async throws {
        try? await gracefulShutdown()
        // Captures stop first, so their tracks end cleanly; composites resume at the next start.
        await recordings.shutdown()
        await rooms.shutdown()
        await media.stop()
    }
}
