// Prints what a track costs when it crosses to its subscribers' loop or
// node: CPU microseconds per packet on the sending and on the receiving
// loop, with the subscribers on the publisher's own loop, on another loop of
// the same node (a loop pipe), and on another node (a node pipe: SRTP
// datagrams over loopback UDP between 127.0.0.1 and 127.0.0.2). In-process
// publishers and subscribers (local transports), so the figures are the
// routing and the pipe, not browsers' SRTP. It prints figures and never
// asserts timings. Release build:
//   make bench-pipes
//   swift run -c release PipeBench [--seconds S] [--rate PACKETS_PER_SECOND]
import Foundation
import Logging
import NIOCore
import NIOPosix
import SDP
import SFU
import Synchronization

struct Options {
    var seconds = 5.0
    var rate = 5000
    var subscribers = [1, 10]
}

var options = Options()
var arguments = Array(CommandLine.arguments.dropFirst())
while !arguments.isEmpty {
    let flag = arguments.removeFirst()
    guard let value = arguments.first else { break }
    arguments.removeFirst()
    switch flag {
    case "--seconds": options.seconds = Double(value) ?? options.seconds
    case "--rate": options.rate = Int(value) ?? options.rate
    case "--subscribers": options.subscribers = value.split(separator: ",").compactMap { Int($0) }
    default:
        FileHandle.standardError.write(Data("usage: PipeBench [--seconds S] [--rate N] [--subscribers 1,10]\n".utf8))
        exit(2)
    }
}

/// Where the subscribers are, relative to the publisher.
enum Shape: String, CaseIterable {
    case sameLoop = "same loop"
    case loopPipe = "another loop (loop pipe)"
    case nodePipe = "another node (node pipe)"
}

final class Delivered: Sendable {
    let count = Atomic<Int>(0)
    var sink: LocalMediaSink { { p in if !p.isRTCP { self.count.add(1, ordering: .relaxed) } } }
}

/// A VP8 packet of about 1,100 bytes; every 150th starts a keyframe.
func videoPacket(_ sequence: Int) -> ByteBuffer {
    let seq = UInt16(truncatingIfNeeded: sequence), timestamp = UInt32(truncatingIfNeeded: sequence / 5 * 3000)
    var bytes: [UInt8] = [0x80, 96, UInt8(seq >> 8), UInt8(seq & 0xFF),
                          UInt8(timestamp >> 24), UInt8(timestamp >> 16 & 0xFF), UInt8(timestamp >> 8 & 0xFF), UInt8(timestamp & 0xFF),
                          0x12, 0x34, 0x56, 0x78]
    bytes += [0x10]
    bytes += sequence % 150 == 0 ? [0x10, 0x02, 0x00, 0x9D, 0x01, 0x2A, 0x00, 0x05, 0xD0, 0x02] : [0x11, 0x02, 0x00]
    bytes += [UInt8](repeating: 0xCD, count: 1_100 - bytes.count)
    return ByteBuffer(bytes: bytes)
}

struct Result {
    var shape: Shape
    var subscribers: Int
    var packets: Int
    var delivered: Int
    var senderMicroseconds: Double
    var receiverMicroseconds: Double
}

func run(_ shape: Shape, subscribers: Int, seconds: Double, rate: Int, group: MultiThreadedEventLoopGroup) async throws -> Result {
    var logger = Logger(label: "pipe-bench")
    logger.logLevel = .critical
    let loops = Array(group.makeIterator())
    let secret = [UInt8](repeating: 3, count: 32)
    let room = "bench-\(UUID().uuidString)"
    let vp8 = RTPCodecParameters(payloadType: 96, name: "VP8", clockRate: 90000, feedback: ["nack", "nack pli"])
    let sender: MediaNode, receiver: MediaNode
    switch shape {
    case .sameLoop:
        sender = try MediaNode(configuration: MediaConfiguration(host: "127.0.0.1", port: 0, tcp: false), eventLoop: loops[0], logger: logger)
        receiver = sender
    case .loopPipe:
        sender = try MediaNode(configuration: MediaConfiguration(host: "127.0.0.1", port: 0, tcp: false, loopCapacity: 1),
                               eventLoops: loops, logger: logger)
        receiver = sender
    case .nodePipe:
        sender = try MediaNode(configuration: MediaConfiguration(host: "127.0.0.1", port: 0, tcp: false), eventLoop: loops[0], logger: logger)
        receiver = try MediaNode(configuration: MediaConfiguration(host: "127.0.0.2", port: 0, tcp: false), eventLoop: loops[1], logger: logger)
    }
    try await sender.start()
    if receiver !== sender { try await receiver.start() }
    await sender.enableNodePipes(secret: secret)
    await receiver.enableNodePipes(secret: secret)

    let camera = try await sender.createLocalTransport(routerID: room, sink: { _ in })
    let producer = try await sender.produceLocal(transportID: camera.id, source: .camera, codec: vp8)
    let delivered = Delivered()
    var taps: [LocalTransportHandle] = []
    for _ in 0..<subscribers { taps.append(try await receiver.createLocalTransport(routerID: room, sink: delivered.sink)) }
    if shape == .nodePipe {
        let endpoint = try await receiver.pipeEndpoint(forTransport: taps[0].id)
        for offer in try await sender.offerPipes(routerID: room, producerIDs: [producer.id], to: endpoint) {
            try await receiver.acceptPipes(offer, routerID: room, at: endpoint)
        }
        _ = try await sender.startPipes(routerID: room, producerIDs: [producer.id], to: endpoint)
    }
    for tap in taps { try await receiver.subscribeLocal(transportID: tap.id, producerIDs: [producer.id]) }

    // Warm up (a keyframe reaches every subscriber), then measure.
    camera.send((0..<10).map { (producer.id, videoPacket($0)) })
    try await Task.sleep(for: .milliseconds(300))
    func cpu() async -> (sender: Double, receiver: Double) {
        let s = await sender.loopStatistics(), r = receiver === sender ? s : await receiver.loopStatistics()
        switch shape {
        case .sameLoop: return (s[0].cpuSeconds, 0)
        case .loopPipe: return (s[0].cpuSeconds, s[1].cpuSeconds)
        case .nodePipe: return (s[0].cpuSeconds, r[0].cpuSeconds)
        }
    }
    let startCPU = await cpu(), startDelivered = delivered.count.load(ordering: .relaxed)
    let batch = 10
    let interval = Duration.seconds(Double(batch) / Double(rate))
    let start = ContinuousClock.now
    var sent = 10
    while ContinuousClock.now - start < .seconds(seconds) {
        camera.send((sent..<(sent + batch)).map { (producer.id, videoPacket($0)) })
        sent += batch
        try await Task.sleep(until: start + interval * ((sent - 10) / batch), clock: .continuous)
    }
    try await Task.sleep(for: .milliseconds(200))  // the last batch through, and a tick to read the CPU clocks
    let endCPU = await cpu()
    let packets = sent - 10
    let result = Result(shape: shape, subscribers: subscribers, packets: packets,
                        delivered: delivered.count.load(ordering: .relaxed) - startDelivered,
                        senderMicroseconds: (endCPU.sender - startCPU.sender) * 1e6 / Double(packets),
                        receiverMicroseconds: (endCPU.receiver - startCPU.receiver) * 1e6 / Double(packets))
    await sender.stop()
    if receiver !== sender { await receiver.stop() }
    return result
}

let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
print("PipeBench: \(options.rate) VP8 packets/s of 1,100 bytes for \(options.seconds) s per row, "
      + "\(ProcessInfo.processInfo.activeProcessorCount) cores; CPU µs per published packet")
print("subscribers | where | sender loop | subscribers' loop | total | delivered")
for subscribers in options.subscribers {
    // Placement spreads a room's later transports over its loops as it sees
    // fit, so only a lone subscriber is sure to sit on the other loop.
    for shape in Shape.allCases where shape != .loopPipe || subscribers == 1 {
        let r = try await run(shape, subscribers: subscribers, seconds: options.seconds, rate: options.rate, group: group)
        let total = r.senderMicroseconds + r.receiverMicroseconds
        print(String(format: "%11d | %@ | %6.2f | %6.2f | %6.2f | %d of %d",
                     subscribers, r.shape.rawValue, r.senderMicroseconds, r.receiverMicroseconds, total,
                     r.delivered, r.packets * subscribers))
    }
}
try await group.shutdownGracefully()
