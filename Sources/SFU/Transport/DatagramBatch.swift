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
/// Confined to its loop, like the engine that owns it. The socket is the
/// channel's: the engine drops the batch before the channel closes.
final class DatagramBatch {
    /// Bytes a slot holds: the receive buffer's size, so any packet read can be forwarded.
    static let slotSize = 2048
    /// Slots per batch; a burst that fills them sends early.
    let capacity: Int
    private let socket: CInt
    private let slab: UnsafeMutableRawPointer
    private let messages: UnsafeMutablePointer<parley_mmsghdr>
    private let vectors: UnsafeMutablePointer<iovec>
    private let addresses: UnsafeMutablePointer<sockaddr_storage>
    /// Datagrams waiting for `flush`.
    private(set) var count = 0

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

    init(socket: CInt, capacity: Int = 128) {
        self.socket = socket
        self.capacity = capacity
        slab = .allocate(byteCount: capacity * Self.slotSize, alignment: 16)
        messages = .allocate(capacity: capacity)
        vectors = .allocate(capacity: capacity)
        addresses = .allocate(capacity: capacity)
    }

    deinit {
        slab.deallocate()
        messages.deallocate()
        vectors.deallocate()
        addresses.deallocate()
    }

    /// Queues one datagram to `address`: `write` fills the slot it is given
    /// and returns the datagram's length, or nil to send nothing. A full
    /// batch is sent first; what that send could not deliver is returned.
    @discardableResult
    func append(to address: SocketAddress, _ write: (UnsafeMutableRawBufferPointer) -> Int?) -> Failure? {
        let failure = count == capacity ? flush() : nil
        let slot = slab + count * Self.slotSize
        guard let length = write(UnsafeMutableRawBufferPointer(start: slot, count: Self.slotSize)),
              length > 0, length <= Self.slotSize else { return failure }
        let name = UnsafeMutableRawPointer(addresses + count)
        let nameLength = address.withSockAddr { pointer, size in
            name.copyMemory(from: pointer, byteCount: size)
            return size
        }
        vectors[count] = iovec(iov_base: slot, iov_len: length)
        messages[count] = parley_mmsghdr(
            msg_hdr: msghdr(msg_name: name, msg_namelen: socklen_t(nameLength), msg_iov: vectors + count, msg_iovlen: 1,
                            msg_control: nil, msg_controllen: 0, msg_flags: 0),
            msg_len: 0)
        count += 1
        return failure
    }

    /// Sends what is queued. A message the kernel refuses on its own (no
    /// route to that address) is skipped and the rest still go; a full send
    /// buffer drops the rest of the batch, since media sent late is useless
    /// and waiting would hold up every other subscriber on the loop.
    @discardableResult
    func flush() -> Failure? {
        var failure: Failure?
        var start = 0
        while start < count {
            let sent = parley_sendmmsg(socket, messages + start, UInt32(count - start), 0)
            if sent > 0 {
                start += Int(sent)
                continue
            }
            let error = sent < 0 ? errno : EIO
            if error == EINTR { continue }
            let full = error == EAGAIN || error == EWOULDBLOCK || error == ENOBUFS
            let dropped = full ? count - start : 1
            failure = Failure(dropped: (failure?.dropped ?? 0) + dropped, error: failure?.error ?? error)
            start += dropped
        }
        count = 0
        return failure
    }
}
