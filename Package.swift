// swift-tools-version:6.1
import PackageDescription

/// One set of compiler settings for every Parley target (Hummingbird's habit):
/// Swift 6 language mode with strict concurrency comes from the tools version.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "parley",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "parley", targets: ["parley"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit.git", from: "4.5.2"),
        .package(url: "https://github.com/vapor/postgres-kit.git", from: "2.17.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        // Calendar arithmetic: RFC 5545 recurrence rules, occurrence expansion
        // in named time zones, and iCalendar output. Pure values, no I/O.
        .target(name: "Scheduling", swiftSettings: swiftSettings),

        // Typed configuration: TOML file < environment < flags.
        .target(name: "Settings", swiftSettings: swiftSettings),

        // System libraries (DESIGN.md "C shims"): module maps plus static inline wrappers.
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CSRTP", pkgConfig: "libsrtp2", providers: [.apt(["libsrtp2-dev"])]),
        .systemLibrary(name: "COpus", pkgConfig: "opus", providers: [.apt(["libopus-dev"])]),
        .systemLibrary(name: "CSpeexDSP", pkgConfig: "speexdsp", providers: [.apt(["libspeexdsp-dev"])]),
        .systemLibrary(name: "CSpanDSP", pkgConfig: "spandsp", providers: [.apt(["libspandsp-dev"])]),
        // sendmmsg(2), which Swift's Glibc module lacks (the SFU's batched sends).
        .target(name: "CDatagram"),
        // AES-GCM through OpenSSL's provider functions, without EVP's per-call lookups (SRTP on the forwarding path).
        .target(name: "CAESGCM", dependencies: ["COpenSSL"]),
        .systemLibrary(name: "CSofiaSIP", pkgConfig: "sofia-sip-ua", providers: [.apt(["libsofia-sip-ua-dev"])]),

        // Voice for the phone gateway: G.711, G.722, Opus, resampling, jitter
        // buffer, concealment, N-1 mixing, DTMF, tones and prompts. No I/O.
        .target(name: "Audio", dependencies: ["COpus", "CSpanDSP", "CSpeexDSP"], swiftSettings: swiftSettings),
        // Prints what the audio path costs per 20 ms frame (release build).
        .executableTarget(name: "AudioBench", dependencies: ["Audio"], path: "Benchmarks/AudioBench", swiftSettings: swiftSettings),
        // Prints what a track costs crossing to another loop or node (release build).
        .executableTarget(
            name: "PipeBench",
            dependencies: [
                "SFU", "SDP",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/PipeBench",
            swiftSettings: swiftSettings
        ),

        // Prints what recording costs: composite speed, and meetings captured at once (release build).
        .executableTarget(
            name: "RecordingBench",
            dependencies: [
                "Recording", "Rooms", "SFU", "SDP", "RTP", "Store",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/RecordingBench",
            swiftSettings: swiftSettings
        ),

        // RTP/RTCP packets, RFC 4733 events, sequence arithmetic: pure values, no I/O.
        .target(name: "RTP", swiftSettings: swiftSettings),

        // SDP model, parser and writer; WebRTC offer/answer for the SFU.
        .target(name: "SDP", swiftSettings: swiftSettings),

        // The SFU's DTLS-SRTP, ICE-lite, transports and routing (DESIGN.md "SFU").
        .target(
            name: "SFU",
            dependencies: [
                "CAESGCM", "CDatagram", "COpenSSL", "CSRTP", "RTP", "SDP",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // Live meetings: participants, roles, lobby, host controls, chat; one SFU router per room.
        .target(
            name: "Rooms",
            dependencies: ["SFU", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),

        // Persistence: one SQL code path over SQLite (default) and PostgreSQL.
        .target(
            name: "Store",
            dependencies: [
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),

        // The rules of meetings for every front door: admission, scheduling,
        // the ring lifecycle, typed statuses and roles (DESIGN.md "Meetings").
        .target(
            name: "Meetings",
            dependencies: ["Store", "Rooms", "Scheduling"],
            swiftSettings: swiftSettings
        ),

        // Meeting recordings: a recorder participant writes each track to disk
        // as received, then an ffmpeg job composites one MP4 (DESIGN.md "Recording").
        .target(
            name: "Recording",
            dependencies: [
                "Rooms", "SFU", "SDP", "RTP", "Store",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // The HTTP front door: REST API, sessions, the notification WebSocket,
        // reminders, and the web client under Public/.
        .target(
            name: "WebApp",
            dependencies: [
                "Scheduling", "Store", "Settings", "SFU", "Rooms", "Recording", "Meetings",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                // Signaling relayed to the node that runs a meeting's room.
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                // Streaming a recording's file from the node that has it.
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            resources: [.copy("Public"), .copy("OpenAPI")],
            swiftSettings: swiftSettings
        ),

        // The SIP/RTP phone gateway: calls in and out, dialplans, the prompt,
        // and the bridge between phones' RTP and rooms (DESIGN.md "Gateway").
        .target(
            name: "Gateway",
            dependencies: [
                "Rooms", "Meetings", "Store", "SFU", "SDP", "RTP", "Audio", "CSofiaSIP", "COpenSSL",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // A browserless load generator: simulated participants that join real
        // meetings and speak WebRTC in the client role (a second implementation
        // of ICE, DTLS client, SRTP, RTCP feedback), for `parley loadtest`.
        .target(
            name: "LoadTest",
            dependencies: [
                "SFU", "SDP", "RTP",
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // The cluster on the shared database: this node's row, heartbeats
        // with its load, readiness, the state operators set (cordon, drain).
        .target(
            name: "Cluster",
            // Rooms for the protocol it implements (`RoomLocator`), no more;
            // Settings for reading addresses as the configuration does.
            dependencies: ["Store", "Rooms", "Settings", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),

        .executableTarget(
            name: "parley",
            dependencies: [
                "WebApp", "Store", "Settings", "Gateway", "Rooms", "SFU", "Recording", "Audio", "LoadTest", "Cluster",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),

        .testTarget(name: "RTPTests", dependencies: ["RTP"], swiftSettings: swiftSettings),
        .testTarget(
            name: "LoadTestTests",
            dependencies: [
                "LoadTest", "SFU", "SDP", "RTP",
                // The end-to-end test runs a real Parley in process, as WebAppTests do.
                "WebApp", "Store", "StoreTesting", "Settings", "Rooms", "Recording",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "SDPTests", dependencies: ["SDP"], swiftSettings: swiftSettings),
        .testTarget(
            name: "SFUTests",
            dependencies: [
                "SFU", "RTP", "SDP",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RoomsTests",
            dependencies: ["Rooms", "SFU", .product(name: "Logging", package: "swift-log"), .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GatewayTests",
            dependencies: ["Gateway", "Rooms", "SFU", "SDP", "RTP", "Audio", "Meetings", "Store", "StoreTesting", "Cluster",
                           .product(name: "Logging", package: "swift-log"),
                           .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                           .product(name: "NIOEmbedded", package: "swift-nio")],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "AudioTests", dependencies: ["Audio"], swiftSettings: swiftSettings),
        .testTarget(
            name: "MeetingsTests",
            dependencies: ["Meetings", "Rooms", "Store", "StoreTesting", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RecordingTests",
            dependencies: ["Recording", "Rooms", "SFU", "SDP", "RTP", "Store", "StoreTesting",
                           .product(name: "Logging", package: "swift-log"), .product(name: "NIOCore", package: "swift-nio"),
                           .product(name: "NIOPosix", package: "swift-nio")],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "SchedulingTests", dependencies: ["Scheduling"], swiftSettings: swiftSettings),
        .testTarget(
            name: "ClusterTests",
            dependencies: ["Cluster", "Rooms", "SFU", "Store", "StoreTesting", .product(name: "Logging", package: "swift-log"),
                           .product(name: "NIOPosix", package: "swift-nio")],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "SettingsTests", dependencies: ["Settings"], swiftSettings: swiftSettings),
        .testTarget(
            name: "ParleyTests",
            dependencies: [
                "parley", "Settings", "Store", "StoreTesting", "WebApp",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Fresh SQLite and PostgreSQL databases for tests (shared by the test targets).
        .target(
            name: "StoreTesting",
            dependencies: ["Store", .product(name: "Logging", package: "swift-log"), .product(name: "NIOPosix", package: "swift-nio")],
            path: "Tests/StoreTesting",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StoreTests",
            dependencies: ["Store", "StoreTesting", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "WebAppTests",
            dependencies: [
                "WebApp", "Store", "StoreTesting", "Scheduling", "Settings", "SFU", "Rooms", "Recording",
                // The phone door of the front-door admission table (FrontDoorAdmissionTests).
                "Gateway", "Meetings",
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
