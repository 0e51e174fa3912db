import Glibc
import NIOCore
import Testing
@testable import SFU

/// The media loop's batched sends, on real loopback sockets: what is
/// queued arrives whole and in order, a full batch goes early, and a
/// datagram the kernel refuses costs only itself.
@Suite struct DatagramBatchTests {
    /// A bound socket on 127.0.0.1 and the address it got.
    func socket() throws -> (CInt, SocketAddress) {
        let fd = try MediaWorker.openUDPSocket(boundTo: SocketAddress(ipAddress: "127.0.0.1", port: 0))
        var storage = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return (fd, SocketAddress(storage, host: "127.0.0.1"))
    }

    /// Every datagram waiting on `fd` (waits up to 1 s for the first).
    func received(_ fd: CInt) -> [[UInt8]] {
        var out: [[UInt8]] = []
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, 1000) > 0 else { return out }
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            guard n >= 0 else { return out }
            out.append(Array(buffer[0..<n]))
        }
    }

    /// Queues `payload` for `address`.
    func queue(_ payload: [UInt8], to address: SocketAddress, in batch: DatagramBatch) -> DatagramBatch.Failure? {
        batch.append(to: address) { slot in
            slot.copyBytes(from: payload)
            return payload.count
        }
    }

    @Test("datagrams of different sizes arrive whole and in order with one flush")
    func arriveInOrder() throws {
        let (sender, _) = try socket(), (receiver, address) = try socket()
        defer { close(sender); close(receiver) }
        let batch = DatagramBatch(socket: sender)
        let payloads = (0..<20).map { i in (0..<(1 + i * 61)).map { UInt8(truncatingIfNeeded: $0 &+ i) } }
        for p in payloads { #expect(queue(p, to: address, in: batch) == nil) }
        #expect(batch.count == 20)
        #expect(batch.flush() == nil)
        #expect(batch.count == 0)
        #expect(received(receiver) == payloads)
    }

    @Test("a burst bigger than the batch is sent in pieces as it fills, nothing lost or reordered")
    func fullBatchGoesEarly() throws {
        let (sender, _) = try socket(), (receiver, address) = try socket()
        defer { close(sender); close(receiver) }
        let batch = DatagramBatch(socket: sender, capacity: 4)
        let payloads = (0..<10).map { [UInt8($0), 0xAB, UInt8($0)] }
        for p in payloads { _ = queue(p, to: address, in: batch) }
        #expect(batch.count == 2)  // 4 + 4 went when the batch filled
        batch.flush()
        #expect(received(receiver) == payloads)
    }

    @Test("a write that produces nothing queues nothing")
    func nothingWritten() throws {
        let (sender, _) = try socket(), (_, address) = try socket()
        defer { close(sender) }
        let batch = DatagramBatch(socket: sender)
        batch.append(to: address) { _ in nil }
        batch.append(to: address) { _ in 0 }
        #expect(batch.count == 0)
    }

    @Test("a datagram the kernel refuses (an IPv6 address on an IPv4 socket) is dropped and counted; the others still go")
    func refusedDatagramCostsOnlyItself() throws {
        let (sender, _) = try socket(), (receiver, address) = try socket()
        defer { close(sender); close(receiver) }
        let batch = DatagramBatch(socket: sender)
        let v6 = try SocketAddress(ipAddress: "::1", port: 9)
        _ = queue([1], to: address, in: batch)
        _ = queue([2], to: v6, in: batch)
        _ = queue([3], to: address, in: batch)
        let failure = batch.flush()
        #expect(failure?.dropped == 1)
        #expect(failure.map { $0.reason.hasPrefix("errno_") || $0.reason == "unreachable" } == true)
        #expect(received(receiver) == [[1], [3]])
    }
}
