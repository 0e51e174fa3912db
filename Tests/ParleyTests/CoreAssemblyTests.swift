import Foundation
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Settings
import Store
import StoreTesting
import Testing
import WebApp
@testable import parley

/// `parley serve` assembles the core: loops, media node, rooms, recordings
/// and the gateway, and the order they stop in.
@Suite("The executable assembles the core", .serialized)
struct CoreAssemblyTests {
    /// A configuration on loopback with fixed, free ports, so a test can see
    /// whether they were released.
    static func configuration() throws -> ParleyConfiguration {
        var c = ParleyConfiguration()
        c.storage.dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("parley-core-\(UUID().uuidString)").path
        c.media.address = HostAndPort(host: "127.0.0.1", port: try freeUDPPort())
        c.sip.address = HostAndPort(host: "127.0.0.1", port: try freeUDPPort())
        c.sip.rtpPorts = 0...0
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized
        c.sip.dialplan = root.appendingPathComponent("Dialplans/default.dialplan").path
        c.sip.prompts = root.appendingPathComponent("Prompts").path
        return c
    }

    @Test("a graceful shutdown stops the gateway and the media plane and frees their ports")
    func shutdownReleasesTheCore() async throws {
        let c = try Self.configuration()
        let loops = ServerLoops(httpThreads: 1)
        let database = try await TestDatabase.open(.sqlite)
        let core = try await ParleyCore.assemble(configuration: c, store: Store(database: database), loops: loops,
                                                 metrics: AppMetrics(), logger: TestDatabase.logger)
        #expect(core.gateway != nil)
        // While the core runs, its ports are taken.
        #expect(!Self.canBind(udpPort: c.media.address.port))
        let group = ServiceGroup(configuration: .init(services: core.services, logger: TestDatabase.logger))
        let running = Task { try await group.run() }
        // SIP listens once the gateway's service has started it.
        try await Self.waitUntil { !Self.canBind(udpPort: c.sip.address!.port) }
        await group.triggerGracefulShutdown()
        try await running.value
        #expect(Self.canBind(udpPort: c.media.address.port), "the media port is still bound after shutdown")
        #expect(Self.canBind(udpPort: c.sip.address!.port), "the SIP port is still bound after shutdown")
        #expect(await core.rooms.count == 0)
        await database.close()
        await loops.shutdown()
    }

    @Test("a dialplan with errors refuses the core and leaves no port bound")
    func badDialplanStopsBeforeListening() async throws {
        var c = try Self.configuration()
        let bad = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID().uuidString).dialplan")
        try "any => reject 99\n".write(to: bad, atomically: true, encoding: .utf8)
        c.sip.dialplan = bad.path
        let loops = ServerLoops(httpThreads: 1)
        let database = try await TestDatabase.open(.sqlite)
        await #expect(throws: (any Error).self) {
            _ = try await ParleyCore.assemble(configuration: c, store: Store(database: database), loops: loops,
                                              metrics: AppMetrics(), logger: TestDatabase.logger)
        }
        #expect(Self.canBind(udpPort: c.media.address.port))
        await database.close()
        await loops.shutdown()
    }

    // MARK: - Ports

    static func freeUDPPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Whether a UDP socket can take the port now (nobody else holds it).
    static func canBind(udpPort port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }

    static func waitUntil(_ condition: () -> Bool) async throws {
        for _ in 0..<100 where !condition() { try await Task.sleep(for: .milliseconds(50)) }
        try #require(condition())
    }
}
