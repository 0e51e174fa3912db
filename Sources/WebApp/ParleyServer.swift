import Crypto
import Foundation
import Hummingbird
import HummingbirdBcrypt
import HummingbirdWebSocket
import Logging
import Recording
import Rooms
import SFU
import ServiceLifecycle
import Settings
import Store

/// Assembles Parley's HTTP front door: routes, middleware, the live hub and
/// its background services, around a core (media, rooms, recordings) that
/// the caller built and owns.
public enum ParleyServer {
    /// The application, ready to `runService()` (or to drive in tests).
    ///
    /// `services` run beside the web app's own and are shut down after them,
    /// in reverse order (swift-service-lifecycle's rule), and after the HTTP
    /// server has stopped: the caller decides the shutdown order of the core.
    public static func makeApplication(
        configuration: ParleyConfiguration, store: Store, core: WebAppCore, metrics: AppMetrics = AppMetrics(),
        services: [any Service] = [], logger: Logger
    ) async throws -> some ApplicationProtocol {
        let appServices = try await makeServices(configuration: configuration, store: store, core: core, metrics: metrics, logger: logger)
        let router = try makeRouter(services: appServices)
        return Application(
            router: router,
            // Pings every 20 s: a browser that vanished without closing (laptop lid
            // shut, network gone) is dropped, so its friends see it go offline.
            server: .http1WebSocketUpgrade(
                webSocketRouter: router,
                configuration: .init(ws: .init(maxFrameSize: 1 << 16, autoPing: .enabled(timePeriod: .seconds(20)), validateUTF8: true))),
            configuration: .init(
                address: .hostname(configuration.http.address.host, port: configuration.http.address.port),
                serverName: "Parley"),
            services: services + [ReminderScheduler(services: appServices), LiveHubCloser(hub: appServices.hub)],
            eventLoopGroupProvider: .shared(core.httpLoops),
            logger: logger)
    }

    static func makeServices(
        configuration: ParleyConfiguration, store: Store, core: WebAppCore, metrics: AppMetrics, logger: Logger
    ) async throws -> AppServices {
        let hub = LiveHub(store: store, logger: logger)
        let keyText = try await store.secret(named: "join_token_key") {
            Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
        }
        let cost = UInt8(configuration.accounts.bcryptCost)
        let dummyHash = try await core.blockingPool.runIfActive {
            Bcrypt.hash(UUID().uuidString, cost: cost)
        }
        let accounts = configuration.accounts
        let joinTokenKey = Data(base64Encoded: keyText) ?? Data(keyText.utf8)
        // Other nodes of a cluster may pipe media with this one (they hold the same secret).
        await core.media.enableNodePipes(secret: NodePipeClient.secret(from: joinTokenKey))
        let forwarder = NodeForwarder(
            from: configuration.cluster.nodeName.isEmpty ? ProcessInfo.processInfo.hostName : configuration.cluster.nodeName,
            signature: RelaySignature(secret: joinTokenKey))
        if let picker = core.mediaSites {
            // Rooms here may span nodes: media elsewhere, tracks fetched on demand, events back home.
            core.media.setNodeProducerFetcher(NodePipeClient(media: core.media, forwarder: forwarder))
            await core.rooms.setSites(NodeMediaSites(picker: picker, forwarder: forwarder))
            core.rooms.guests.setSender { home, event in
                let _: MediaSiteController.Received = try await forwarder.postJSON(MediaSiteController.eventsPath, event,
                                                                                   to: RoomLocation.RemoteNode(home))
            }
        }
        return AppServices(
            configuration: configuration, store: store, hub: hub,
            notifier: Notifier(store: store, hub: hub, logger: logger),
            rateLimiter: SignInRateLimiter(
                maxPerAccount: accounts.maxFailuresPerAccount, maxPerAddress: accounts.maxFailuresPerAddress,
                window: TimeInterval(accounts.failureWindowSeconds)),
            passcodeLimiter: SignInRateLimiter(
                maxPerAccount: 10, maxPerAddress: 30, window: TimeInterval(accounts.failureWindowSeconds)),
            metrics: metrics, media: core.media, rooms: core.rooms, recordings: core.recordings,
            readiness: core.readiness, blockingPool: core.blockingPool, httpLoops: core.httpLoops,
            forwarder: forwarder,
            logger: logger,
            joinTokenKey: joinTokenKey,
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
        LeaveController(services: services).addRoutes(to: router)
        FriendController(services: services).addRoutes(to: router)
        CallController(services: services).addRoutes(to: router)
        RecordingController(services: services).addRoutes(to: router)
        PipeController(services: services).addRoutes(to: router)
        MediaSiteController(services: services).addRoutes(to: router)
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
