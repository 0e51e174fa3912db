import Glibc
import NIOCore

/// A UDP destination as the kernel takes it (`sockaddr_in` or
/// `sockaddr_in6`), encoded once: a transport keeps its peer's, and a
/// forwarded packet hands it to `DatagramBatch` as it is, where encoding a
/// `SocketAddress` for every packet cost about 1 % of a forwarding core.
struct DatagramDestination: Equatable {
    /// The socket address's bytes: room for a `sockaddr_in6` (28 bytes).
    private var words: (UInt64, UInt64, UInt64, UInt32) = (0, 0, 0, 0)
    /// How many of them are the address.
    private(set) var length: socklen_t = 0

    /// Nil for an address that is not IPv4 or IPv6 (a Unix socket's).
    init?(_ address: SocketAddress) {
        switch address {
        case .v4, .v6: break
        case .unixDomainSocket: return nil
        }
        let size = address.withSockAddr { pointer, size in
            guard size <= MemoryLayout.size(ofValue: words) else { return 0 }
            withUnsafeMutableBytes(of: &words) { $0.copyMemory(from: UnsafeRawBufferPointer(start: pointer, count: size)) }
            return size
        }
        guard size > 0 else { return nil }
        length = socklen_t(size)
    }

    static func == (a: Self, b: Self) -> Bool {
        a.length == b.length && a.words.0 == b.words.0 && a.words.1 == b.words.1 && a.words.2 == b.words.2
            && a.words.3 == b.words.3
    }
}
