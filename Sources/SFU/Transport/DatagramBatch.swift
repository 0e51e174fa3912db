import CDatagram
import Glibc
import NIOCore

/// The RTP a media loop sends during one read burst, written in place into
/// one preallocated slab and sent with one sendmmsg(2) when the burst ends.
///
/// Forwarding through the channel cost, per packet, a `ByteBuffer` (two
/// allocations), an `AddressedEnvelope` boxed in `NIOAny`, a trip down the
/// pipeline and an entry in NIO's queue of pending writes: about a seventh
/// of a forwarding core. Here a packet is copied once, into its slot, where
/// the consumer rewrites and SRTP protects it. Reads, DTLS, STUN and
/// anything larger than a slot still go through the channel.
///
/// **Runs.** Datagrams a sender queues for one address one after another,
/// all the same size but the last (a video frame's packets, which
/// libwebrtc and Parley's load generator split into nearly equal parts),
/// form a run that leaves as one message with a UDP_SEGMENT control
/// message (UDP generic segmentation offload, Linux 4.18+): the kernel
/// walks its UDP and IP send path once for the run and cuts it into
/// datagrams at the end (or the network card does), where a send per
/// datagram walked it each time. The receiver gets the same datagrams as
/// before. A sender passes back the `Run` its previous datagram joined;
/// datagrams of other senders in between do not end a run, so each
/// address gets the datagrams of each RTP stream in the order they were
/// queued. Where the kernel or the device refuses segmentation, the batch
/// sends every datagram on its own from then on.
///
/// **A short datagram goes last.** A subscriber's audio packet queued just
/// before a video frame's larger packets would be a run of its own (a run
/// cannot start short): half of all sends at a 720p load, one audio packet
/// each. Such a lone datagram moves behind the run of larger ones that
/// follows it instead, as its shorter last segment, when the two belong to
/// different RTP streams (SSRCs, which SRTP leaves in the clear, RFC 3711
/// §3.1). Each stream keeps its order; the audio packet leaves a few
/// microseconds later, in the same send.
///
/// Confined to its loop, like the engine that owns it. The socket is the
/// channel's: the engine drops the batch before the channel closes.
final class DatagramBatch {
    /// Bytes a slot holds: the receive buffer's size, so any packet read can be forwarded.
    static let slotSize = 2048
    /// Most datagrams one segmented send carries (the kernel's UDP_MAX_SEGMENTS).
    static let maximumSegments = 64
    /// Largest datagram a run takes. The kernel refuses a run whose segment
    /// and headers exceed the path MTU, where one datagram alone would be
    /// fragmented; WebRTC keeps packets near 1,200 bytes, so bigger ones
    /// (rare) go on their own rather than risk turning segmentation off.
    static let maximumSegment = 1400
    /// Most bytes one segmented send carries: a UDP datagram's limit
    /// (65,507 bytes of payload over IPv4) with room to spare.
    static let maximumRunBytes = 65_000
    /// Slots per batch; a burst that fills them sends early, and ends the
    /// runs it had. 512 (a 1 MiB slab): one publisher's video frame for 23
    /// subscribers is about 115 datagrams, and a read burst often holds two
    /// or three frames; at 128 slots a frame's run was often cut in two
    /// (2.2-2.3 datagrams a send at the 720p load shape, 2.5-2.6 at 512).
    let capacity: Int
    /// Runs go out segmented (UDP GSO); false when configured off, or
    /// after the kernel or device refused it.
    private(set) var segmentsRuns: Bool
    /// Why segmentation was turned off (an errno), when the kernel refused it.
    private(set) var segmentationRefusal: CInt?
    private let socket: CInt
    private let slab: UnsafeMutableRawPointer
    /// Per datagram: its length, and the next datagram of its run (-1: none).
    private let lengths: UnsafeMutablePointer<Int>
    private let nextInRun: UnsafeMutablePointer<Int32>
    /// Per run: where it stands, and its address.
    private let runs: UnsafeMutablePointer<RunState>
    private let addresses: UnsafeMutablePointer<DatagramDestination>
    /// Built by `flush`: the datagrams' vectors in run order, a message per
    /// run (or per datagram once segmentation is off), its control data.
    private let vectors: UnsafeMutablePointer<iovec>
    private let messages: UnsafeMutablePointer<parley_mmsghdr>
    private let controls: UnsafeMutableRawPointer
    private let controlSize: Int
    /// Datagrams waiting for `flush`.
    private(set) var count = 0
    private var runCount = 0
    /// Changes at every flush, so a `Run` from an earlier burst joins nothing.
    private var generation: UInt32 = 1
    /// Messages handed to the kernel (a run is one) and datagrams they
    /// carried, since the batch was made.
    private(set) var messagesSent = 0
    private(set) var datagramsSent = 0

    /// The run a sender's last datagram joined, to pass with its next one.
    struct Run: Equatable {
        fileprivate var generation: UInt32 = 0
        fileprivate var index: Int32 = 0
        /// Joins nothing: a sender's first datagram of a burst.
        static let none = Run()
    }

    private struct RunState {
        var first: Int32
        var last: Int32
        var count: Int32
        /// The size of every datagram but the last.
        var segment: Int32
        var bytes: Int32
        /// A shorter datagram of another stream that goes after the others
        /// (-1: none); `count` and `bytes` include it.
        var tail: Int32
        /// Where its vectors start (set by `flush`).
        var firstVector: Int32
    }

    /// What `append` did: the run the datagram joined (pass it back with
    /// the sender's next datagram), and what a send forced by a full batch
    /// could not deliver.
    struct Queued {
        var run: Run
        var failure: Failure?
    }

    /// What a flush could not send, and why (the errno of the first failure).
    struct Failure: Equatable {
        var dropped: Int
        var error: CInt

        /// For the metrics: a full send buffer, or the errno by name.
        var reason: String {
            switch error {
            case EAGAIN, ENOBUFS: "send_buffer_full"
            case EHOSTUNREACH, ENETUNREACH: "unreachable"
            case EPERM, EACCES: "refused_by_firewall"
            case EMSGSIZE: "too_big"
            default: "errno_\(error)"
            }
        }
    }

    init(socket: CInt, capacity: Int = 512, segmentsRuns: Bool = true) {
        self.socket = socket
        self.capacity = capacity
        self.segmentsRuns = segmentsRuns
        slab = .allocate(byteCount: capacity * Self.slotSize, alignment: 16)
        lengths = .allocate(capacity: capacity)
        nextInRun = .allocate(capacity: capacity)
        runs = .allocate(capacity: capacity)
        addresses = .allocate(capacity: capacity)
        vectors = .allocate(capacity: capacity)
        messages = .allocate(capacity: capacity)
        controlSize = parley_udp_segment_control_size()
        controls = .allocate(byteCount: capacity * controlSize, alignment: MemoryLayout<Int>.alignment)
    }

    deinit {
        slab.deallocate()
        lengths.deallocate()
        nextInRun.deallocate()
        runs.deallocate()
        addresses.deallocate()
        vectors.deallocate()
        messages.deallocate()
        controls.deallocate()
    }

    /// Queues one datagram to `address`: `write` fills the slot it is given
    /// and returns the datagram's length, or nil to send nothing. It joins
    /// `run` (the sender's previous datagram's) when it can: same address,
    /// same burst, no longer than the run's datagrams, which all have one
    /// size. A full batch is sent first; what that send could not deliver
    /// is returned.
    @discardableResult
    func append(to address: SocketAddress, after run: Run = .none,
                _ write: (UnsafeMutableRawBufferPointer) -> Int?) -> Queued {
        guard let destination = DatagramDestination(address) else { return Queued(run: run, failure: nil) }
        return append(to: destination, after: run, write)
    }

    /// `append(to:after:_:)` with the address already encoded (a transport keeps its peer's).
    @discardableResult
    func append(to address: DatagramDestination, after run: Run = .none,
                _ write: (UnsafeMutableRawBufferPointer) -> Int?) -> Queued {
        let failure = count == capacity ? flush() : nil
        let index = count
        let slot = slab + index * Self.slotSize
        guard let length = write(UnsafeMutableRawBufferPointer(start: slot, count: Self.slotSize)),
              length > 0, length <= Self.slotSize else { return Queued(run: run, failure: failure) }
        lengths[index] = length
        nextInRun[index] = -1
        count += 1
        if segmentsRuns, run.generation == generation, join(Int(run.index), datagram: index, length: length, address: address) {
            return Queued(run: run, failure: failure)
        }
        let r = runCount
        runCount += 1
        (addresses + r).initialize(to: address)
        runs[r] = RunState(first: Int32(index), last: Int32(index), count: 1, segment: Int32(length), bytes: Int32(length),
                           tail: -1, firstVector: 0)
        return Queued(run: Run(generation: generation, index: Int32(r)), failure: failure)
    }

    /// Adds datagram `index` to run `r` when it fits there (UDP_SEGMENT's
    /// rule: every datagram `segment` bytes, the last no longer), or, when
    /// `r` is one shorter datagram of another RTP stream, puts `index` first
    /// and that one last.
    private func join(_ r: Int, datagram index: Int, length: Int, address: DatagramDestination) -> Bool {
        guard r < runCount else { return false }
        var state = runs[r]
        guard state.count < Self.maximumSegments, Int(state.bytes) + length <= Self.maximumRunBytes else { return false }
        // Open: no shorter datagram has ended the chain. With a tail, only
        // full-sized datagrams of other streams go before it.
        let open = lengths[Int(state.last)] == Int(state.segment)
        let fits = open && state.segment <= Self.maximumSegment
            && (state.tail < 0 ? length <= state.segment : length == state.segment && differentStreams(Int(state.tail), index))
        let goesBefore = !fits && state.count == 1 && length > state.segment && length <= Self.maximumSegment
            && differentStreams(Int(state.first), index)
        guard fits || goesBefore else { return false }
        guard addresses[r] == address else { return false }
        if goesBefore {
            state.tail = state.first
            state.first = Int32(index)
            state.segment = Int32(length)
        } else {
            nextInRun[Int(state.last)] = Int32(index)
        }
        state.last = Int32(index)
        state.count += 1
        state.bytes += Int32(length)
        runs[r] = state
        return true
    }

    /// Datagrams `a` and `b` are RTP packets (version 2, RFC 3550 §5.1) of
    /// different SSRCs, which SRTP leaves in the clear.
    private func differentStreams(_ a: Int, _ b: Int) -> Bool {
        guard lengths[a] >= 12, lengths[b] >= 12 else { return false }
        let p = slab + a * Self.slotSize, q = slab + b * Self.slotSize
        guard p.load(as: UInt8.self) >> 6 == 2, q.load(as: UInt8.self) >> 6 == 2 else { return false }
        return p.loadUnaligned(fromByteOffset: 8, as: UInt32.self) != q.loadUnaligned(fromByteOffset: 8, as: UInt32.self)
    }

    /// Sends what is queued. A message the kernel refuses on its own (no
    /// route to that address) is skipped and the rest still go; a full send
    /// buffer drops the rest of the batch, since media sent late is useless
    /// and waiting would hold up every other subscriber on the loop.
    @discardableResult
    func flush() -> Failure? {
        defer {
            count = 0
            runCount = 0
            generation = generation == .max ? 1 : generation + 1
        }
        guard count > 0 else { return nil }
        var messageCount = layOut()
        var failure: Failure?
        var start = 0
        while start < messageCount {
            let sent = parley_sendmmsg(socket, messages + start, UInt32(messageCount - start), 0)
            if sent > 0 {
                for m in start..<start + Int(sent) { datagramsSent += Int(messages[m].msg_hdr.msg_iovlen) }
                messagesSent += Int(sent)
                start += Int(sent)
                continue
            }
            let error = sent < 0 ? errno : EIO
            if error == EINTR { continue }
            if messages[start].msg_hdr.msg_controllen > 0, Self.refusesSegmentation(error) {
                // The kernel (before 4.18) or the device (no checksum
                // offload) cannot segment: send every datagram on its own.
                segmentsRuns = false
                segmentationRefusal = error
                messageCount = start + splitRuns(fromMessage: start)
                continue
            }
            let full = error == EAGAIN || error == EWOULDBLOCK || error == ENOBUFS
            let lost = full ? start..<messageCount : start..<start + 1
            let dropped = lost.reduce(0) { $0 + Int(messages[$1].msg_hdr.msg_iovlen) }
            failure = Failure(dropped: (failure?.dropped ?? 0) + dropped, error: failure?.error ?? error)
            start = lost.upperBound
        }
        return failure
    }

    /// Errors that mean "no segmentation here" rather than "not this datagram".
    static func refusesSegmentation(_ error: CInt) -> Bool {
        error == EIO || error == EINVAL || error == EOPNOTSUPP || error == ENOPROTOOPT
    }

    /// Writes the vectors in run order and a message per run; returns how many messages.
    private func layOut() -> Int {
        var v = 0
        for r in 0..<runCount {
            runs[r].firstVector = Int32(v)
            let state = runs[r]
            var d = Int(state.first)
            while d >= 0 {
                vectors[v] = iovec(iov_base: slab + d * Self.slotSize, iov_len: lengths[d])
                v += 1
                d = Int(nextInRun[d])
            }
            if state.tail >= 0 {
                let t = Int(state.tail)
                vectors[v] = iovec(iov_base: slab + t * Self.slotSize, iov_len: lengths[t])
                v += 1
            }
            var control: UnsafeMutableRawPointer?
            var controlLength = 0
            if state.count > 1 {
                control = controls + r * controlSize
                controlLength = parley_write_udp_segment_control(control, UInt16(state.segment))
            }
            messages[r] = message(run: r, vectors: Int(state.firstVector), count: Int(state.count),
                                  control: control, controlLength: controlLength)
        }
        return runCount
    }

    /// Rewrites the messages from `first` on as one per datagram (same
    /// vectors, same order); returns how many that makes.
    private func splitRuns(fromMessage first: Int) -> Int {
        var m = first
        for r in first..<runCount {
            let state = runs[r]
            for v in Int(state.firstVector)..<Int(state.firstVector) + Int(state.count) {
                messages[m] = message(run: r, vectors: v, count: 1, control: nil, controlLength: 0)
                m += 1
            }
        }
        return m - first
    }

    private func message(run r: Int, vectors v: Int, count: Int, control: UnsafeMutableRawPointer?,
                         controlLength: Int) -> parley_mmsghdr {
        parley_mmsghdr(
            msg_hdr: msghdr(msg_name: UnsafeMutableRawPointer(addresses + r), msg_namelen: addresses[r].length,
                            msg_iov: vectors + v, msg_iovlen: count, msg_control: control,
                            msg_controllen: controlLength, msg_flags: 0),
            msg_len: 0)
    }
}
