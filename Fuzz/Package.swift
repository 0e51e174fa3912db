// swift-tools-version:6.1
import PackageDescription

// libFuzzer targets for Parley's parsers (DESIGN.md: "each has a fuzz target").
//
// A package of its own so the main build never needs the sanitizer flags. The
// parser targets compile Parley's real sources: SwiftPM refuses target paths
// outside the package root, so Sources/Scheduling and Sources/Settings here are
// symlinks to ../../Sources/<Target>.
//
// Build and run with scripts/fuzz.sh; by hand (from this directory):
//   swift build -c debug -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library --product FuzzTOML
//   .build/debug/FuzzTOML -max_total_time=60 Corpus/FuzzTOML

/// The main package's settings, so the sources compile exactly as they do there.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let fuzzers = ["FuzzTOML", "FuzzLocalDateTime", "FuzzRecurrenceRule", "FuzzICalendar", "FuzzSTUN", "FuzzRTP", "FuzzRTCP", "FuzzSDP", "FuzzDTLS",
               "FuzzPhoneSDP", "FuzzDialplan", "FuzzMatroskaScan", "FuzzDepacketizers", "FuzzRFC4571", "FuzzPipeWire"]

/// The parser target each fuzzer feeds; "Scheduling" when not listed.
let parserTarget: [String: String] = [
    "FuzzTOML": "Settings",
    "FuzzSTUN": "ICE",
    "FuzzRTP": "RTP",
    "FuzzRTCP": "RTP",
    "FuzzSDP": "SDP",
    "FuzzDTLS": "DTLS",
    "FuzzPhoneSDP": "SDP",
    "FuzzDialplan": "Dialplan",
    "FuzzMatroskaScan": "Recording",
    "FuzzDepacketizers": "Recording",
    "FuzzRFC4571": "Framing",
    "FuzzPipeWire": "PipeWire",
]

/// Further targets a fuzzer needs (CFuzzFeatures: coverage from uninstrumented system libraries).
let extraDependencies: [String: [Target.Dependency]] = [
    "FuzzDTLS": ["CFuzzFeatures"],
    "FuzzDepacketizers": ["RTP"],
]

let package = Package(
    name: "parley-fuzz",
    platforms: [.macOS(.v14)],
    products: fuzzers.map { .executable(name: $0, targets: [$0]) },
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
    ],
    targets: [
        .target(name: "Scheduling", path: "Sources/Scheduling", swiftSettings: swiftSettings),
        .target(name: "Settings", path: "Sources/Settings", swiftSettings: swiftSettings),
        // Sources/ICE -> ../../Sources/SFU/ICE: STUN and ICE-lite, which need only Crypto.
        .target(name: "ICE", dependencies: [.product(name: "Crypto", package: "swift-crypto")],
                path: "Sources/ICE", swiftSettings: swiftSettings),
        // Sources/RTP -> ../../Sources/RTP: RTP/RTCP packets, no dependencies.
        .target(name: "RTP", path: "Sources/RTP", swiftSettings: swiftSettings),
        // Sources/SDP -> ../../Sources/SDP: session descriptions and WebRTC offer/answer, Foundation only.
        .target(name: "SDP", path: "Sources/SDP", swiftSettings: swiftSettings),
        // Sources/COpenSSL -> ../../Sources/COpenSSL (the shim over the system's OpenSSL 3), and
        // Sources/DTLS -> ../../Sources/SFU/DTLS: DTLSSession and its context, which need only COpenSSL.
        .systemLibrary(name: "COpenSSL", path: "Sources/COpenSSL", pkgConfig: "openssl"),
        .target(name: "DTLS", dependencies: ["COpenSSL"], path: "Sources/DTLS", swiftSettings: swiftSettings),
        // Sources/Dialplan -> ../../Sources/Gateway/Dialplan: the phone gateway's dialplan parser, Foundation only.
        .target(name: "Dialplan", path: "Sources/Dialplan", swiftSettings: swiftSettings),
        // Sources/Recording/{Container,Depacketizer} -> ../../../Sources/Recording/…: the recorder's
        // Matroska writer/reader and RTP depacketizers, which need only Foundation and RTP.
        .target(name: "Recording", dependencies: ["RTP"], path: "Sources/Recording", swiftSettings: swiftSettings),
        // Sources/Framing -> ../../Sources/SFU/Framing: the RFC 4571 framer of the media port's TCP side, no dependencies.
        .target(name: "Framing", path: "Sources/Framing", swiftSettings: swiftSettings),
        // Sources/PipeWire -> ../../Sources/SFU/Pipes/Wire: the payload of pipe datagrams between nodes, needs RTP.
        .target(name: "PipeWire", dependencies: ["RTP"], path: "Sources/PipeWire", swiftSettings: swiftSettings),
        .target(name: "CLibFuzzer"),
        .target(name: "CFuzzFeatures"),
        .target(name: "FuzzSupport", dependencies: ["CLibFuzzer"], swiftSettings: swiftSettings),
    ] + fuzzers.map { name in
        .executableTarget(
            name: name,
            dependencies: ["FuzzSupport", .target(name: parserTarget[name] ?? "Scheduling")] + (extraDependencies[name] ?? []),
            swiftSettings: swiftSettings
        )
    }
)
