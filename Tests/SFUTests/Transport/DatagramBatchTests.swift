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
        }.failure
    }

    /// Queues `payloads` for `address` as one sender does, each joining the run of the one before.
    func queueRun(_ payloads: [[UInt8]], to address: SocketAddress, in batch: DatagramBatch,
                  after run: DatagramBatch.Run = .none) -> DatagramBatch.Run {
        var run = run
        for p in payloads {
            run = batch.append(to: address, after: run) { slot in
                slot.copyBytes(from: p)
                return p.count
            }.run
        }
        return run
    }

    /// `count` payloads of `size` bytes, each distinct.
    func payloads(_ count: Int, size: Int, tag: UInt8 = 0) -> [[UInt8]] {
        (0..<count).map { i in (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ i &+ Int(tag)) } }
    }

    /// Queues `datagrams` as one sender's, one after another, to a fresh
    /// receiver, flushes, and returns how many messages the kernel was given,
    /// how many datagrams they carried, and what arrived.
    func sendAsOneSender(_ datagrams: [[UInt8]], segmentsRuns: Bool = true) throws
        -> (messages: Int, datagrams: Int, received: [[UInt8]]) {
        let (sender, _) = try socket(), (receiver, address) = try socket()
        defer { close(sender); close(receiver) }
        let batch = DatagramBatch(socket: sender, segmentsRuns: segmentsRuns)
        _ = queueRun(datagrams, to: address, in: batch)
        #expect(batch.flush() == nil)
        return (batch.messagesSent, batch.datagramsSent, received(receiver))
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

    @Test("a sender's equal-sized datagrams leave as one segmented send and arrive as the same datagrams, in order")
    func runIsOneSend() throws {
        let frame = payloads(5, size: 1000)
        let sent = try sendAsOneSender(frame)
        #expect(sent.messages == 1)
        #expect(sent.datagrams == 5)
        #expect(sent.received == frame)
    }

    @Test("a shorter datagram ends a run, a longer one starts the next; each address keeps its order")
    func runsFollowTheSizeRule() throws {
        // libwebrtc's nearly equal split: smaller parts first, then one byte more.
        let frame = payloads(3, size: 1000) + payloads(2, size: 1001, tag: 9) + payloads(1, size: 300, tag: 5)
        let sent = try sendAsOneSender(frame)
        #expect(sent.messages == 2)  // [1000 ×3], [1001 ×2, 300]
        #expect(sent.received == frame)
    }

    /// An RTP packet (version 2) of `ssrc`, `size` bytes, numbered `sequence`.
    func rtp(ssrc: UInt32, size: Int, sequence: UInt16) -> [UInt8] {
        [0x80, 96, UInt8(sequence >> 8), UInt8(sequence & 0xFF), 0, 0, 0, 0,
         UInt8(ssrc >> 24), UInt8(ssrc >> 16 & 0xFF), UInt8(ssrc >> 8 & 0xFF), UInt8(ssrc & 0xFF)]
            + [UInt8](repeating: UInt8(truncatingIfNeeded: sequence), count: size - 12)
    }

    @Test("a lone audio packet goes behind the video frame that follows it, in the same send")
    func loneShortPacketGoesLast() throws {
        let audio = rtp(ssrc: 0xA, size: 120, sequence: 1)
        let video = (0..<4).map { rtp(ssrc: 0xB, size: 1_100, sequence: UInt16(10 + $0)) }
        let sent = try sendAsOneSender([audio] + video)
        #expect(sent.messages == 1)
        #expect(sent.received == video + [audio])
        // Then the frame's shorter last part: it cannot follow the audio
        // packet in that run, so it starts the next; nothing else moves.
        let last = rtp(ssrc: 0xB, size: 700, sequence: 14)
        let more = try sendAsOneSender([audio] + video + [last])
        #expect(more.messages == 2)
        #expect(more.received == video + [audio, last])
    }

    @Test("a stream's packets keep their order: a lone packet does not move behind its own stream's")
    func aStreamKeepsItsOrder() throws {
        // libwebrtc's split: the first part a byte smaller than the rest.
        let frame = [rtp(ssrc: 0xB, size: 1_099, sequence: 1)] + (2...4).map { rtp(ssrc: 0xB, size: 1_100, sequence: UInt16($0)) }
        let sent = try sendAsOneSender(frame)
        #expect(sent.messages == 2)
        #expect(sent.received == frame)
        // Behind another stream's frame, a packet of the moved one's stream
        // that would go before it starts a run of its own.
        let audio = rtp(ssrc: 0xA, size: 120, sequence: 1)
        let video = rtp(ssrc: 0xB, size: 1_100, sequence: 10)
        let sameStreamAsAudio = rtp(ssrc: 0xA, size: 1_100, sequence: 2)
        let mixed = try sendAsOneSender([audio, video, sameStreamAsAudio])
        #expect(mixed.messages == 2)
        #expect(mixed.received == [video, audio, sameStreamAsAudio])
    }

    @Test("senders taking turns (a packet for each subscriber in turn) still make one run each")
    func interleavedSenders() throws {
        let (sender, _) = try socket()
        let receivers = try (0..<3).map { _ in try socket() }
        defer { close(sender); receivers.forEach { close($0.0) } }
        let batch = DatagramBatch(socket: sender)
        var runs = [DatagramBatch.Run](repeating: .none, count: receivers.count)
        let frames = receivers.indices.map { payloads(4, size: 800, tag: UInt8($0 * 50)) }
        for n in 0..<4 {
            for (i, (_, address)) in receivers.enumerated() {
                runs[i] = queueRun([frames[i][n]], to: address, in: batch, after: runs[i])
            }
        }
        #expect(batch.flush() == nil)
        #expect(batch.messagesSent == 3)
        for (i, (fd, _)) in receivers.enumerated() { #expect(received(fd) == frames[i]) }
    }

    @Test("a run from an earlier burst, or for another address, joins nothing")
    func staleOrForeignRunJoinsNothing() throws {
        let (sender, _) = try socket(), (one, first) = try socket(), (two, second) = try socket()
        defer { close(sender); close(one); close(two) }
        let batch = DatagramBatch(socket: sender)
        let run = queueRun(payloads(2, size: 500), to: first, in: batch)
        batch.flush()
        _ = queueRun(payloads(2, size: 500, tag: 3), to: first, in: batch, after: run)  // new burst: new run
        let another = queueRun(payloads(1, size: 500, tag: 4), to: first, in: batch)
        _ = queueRun(payloads(1, size: 500, tag: 6), to: second, in: batch, after: another)  // same size, other address
        batch.flush()
        #expect(batch.messagesSent == 1 + 3)
        #expect(received(one) == payloads(2, size: 500) + payloads(2, size: 500, tag: 3) + payloads(1, size: 500, tag: 4))
        #expect(received(two) == payloads(1, size: 500, tag: 6))
    }

    @Test("a run stops at the kernel's 64 segments")
    func runsAreCapped() throws {
        let many = payloads(70, size: 200)
        let sent = try sendAsOneSender(many)
        #expect(sent.messages == 2)
        #expect(sent.received == many)
    }

    @Test("datagrams bigger than a run's largest segment go alone")
    func bigDatagramsGoAlone() throws {
        let big = payloads(3, size: DatagramBatch.maximumSegment + 1)
        let sent = try sendAsOneSender(big)
        #expect(sent.messages == 3)
        #expect(sent.received == big)
    }

    @Test("with segmentation off, every datagram is a message of its own")
    func segmentationOff() throws {
        let frame = payloads(4, size: 900)
        let sent = try sendAsOneSender(frame, segmentsRuns: false)
        #expect(sent.messages == 4)
        #expect(sent.received == frame)
    }

    @Test("where the kernel refuses segmentation (a socket without UDP checksums), the run goes datagram by datagram")
    func refusedSegmentationFallsBack() throws {
        let (sender, _) = try socket(), (receiver, address) = try socket()
        defer { close(sender); close(receiver) }
        // SO_NO_CHECK (11): the kernel will not segment without checksums (EINVAL).
        var on: CInt = 1
        #expect(setsockopt(sender, SOL_SOCKET, 11, &on, socklen_t(MemoryLayout<CInt>.size)) == 0)
        let batch = DatagramBatch(socket: sender)
        let before = [UInt8](repeating: 7, count: 40)
        _ = queue(before, to: address, in: batch)
        let frame = payloads(4, size: 900)
        _ = queueRun(frame, to: address, in: batch)
        #expect(batch.flush() == nil)
        #expect(batch.segmentationRefusal != nil)
        #expect(batch.segmentsRuns == false)
        #expect(batch.datagramsSent == 5)
        #expect(received(receiver) == [before] + frame)
        // From then on, no more tries.
        _ = queueRun(frame, to: address, in: batch)
        #expect(batch.flush() == nil)
        #expect(received(receiver) == frame)
    }

    @Test("an encoded destination is its address: equal for the same one only, none for a Unix socket")
    func destinations() throws {
        let a = try #require(DatagramDestination(try SocketAddress(ipAddress: "127.0.0.1", port: 5000)))
        #expect(a == DatagramDestination(try SocketAddress(ipAddress: "127.0.0.1", port: 5000)))
        #expect(a.length == socklen_t(MemoryLayout<sockaddr_in>.size))
        #expect(a != DatagramDestination(try SocketAddress(ipAddress: "127.0.0.1", port: 5001)))
        #expect(a != DatagramDestination(try SocketAddress(ipAddress: "127.0.0.2", port: 5000)))
        let v6 = try #require(DatagramDestination(try SocketAddress(ipAddress: "::1", port: 5000)))
        #expect(v6.length == socklen_t(MemoryLayout<sockaddr_in6>.size))
        #expect(v6 != a)
        #expect(DatagramDestination(try SocketAddress(unixDomainSocketPath: "/tmp/parley-test.sock")) == nil)
    }
}
