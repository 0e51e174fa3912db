import FuzzSupport
import RTP

/// RTCP parsers must return a value or throw their typed error for any bytes;
/// never trap or read out of bounds. Besides that, checks:
/// - the compound iterator yields adjacent packets that tile the input up to the
///   first error, each starting with a header that parses on its own;
/// - every packet type that parses writes a packet whose length field matches
///   its size (a multiple of 4), which is a whole compound of one packet and
///   parses back to the same value (NACK: the same set of sequence numbers);
///   writing that again gives the same bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = FuzzInput.bytes(data, size)
    bytes.withUnsafeBytes { raw in
        var iterator = RTCPCompoundIterator(raw)
        var end = 0
        var packets = 0
        while true {
            let view: RTCPPacketView?
            do {
                view = try iterator.nextPacket()
            } catch {
                FuzzInput.check(iterator.next() == nil, "iterator continued after \(error)")
                break
            }
            guard let view else {
                FuzzInput.check(end == raw.count, "walk ended at \(end) of \(raw.count) without an error")
                break
            }
            FuzzInput.check(view.range.lowerBound == end && view.range.upperBound <= raw.count, "packet range \(view.range)")
            FuzzInput.check(view.range.count == view.header.packetLength, "packet length")
            end = view.range.upperBound
            packets += 1
            let packet = view.bytes(in: raw)
            FuzzInput.check((try? RTCPHeader(parsing: packet)) == view.header, "header reparse")
            checkAll(packet)
        }
        // The whole input as one packet, whatever its header says (unless it was
        // exactly one packet, already checked).
        if packets != 1 || end != raw.count || iterator.error != nil {
            checkAll(raw)
        }
        _ = try? ReportBlock(parsing: raw)
    }
    return 0
}

/// Tries every packet type on `packet`.
func checkAll(_ packet: UnsafeRawBufferPointer) {
    check(packet, SenderReport.init(parsing:), { $0.append(to: &$1) })
    check(packet, ReceiverReport.init(parsing:), { $0.append(to: &$1) })
    check(packet, SourceDescription.init(parsing:), { $0.append(to: &$1) })
    check(packet, Goodbye.init(parsing:), { $0.append(to: &$1) })
    check(packet, PictureLossIndication.init(parsing:), { $0.append(to: &$1) })
    check(packet, FullIntraRequest.init(parsing:), { $0.append(to: &$1) })
    check(packet, ReceiverEstimatedMaxBitrate.init(parsing:), { $0.append(to: &$1) })
    check(packet, TransportFeedback.init(parsing:), { $0.append(to: &$1) })
    if let feedback = try? TransportFeedback(parsing: packet) {
        _ = feedback.arrivalTimesMicros
    }
    check(packet, GenericNACK.init(parsing:), { $0.append(to: &$1) }, same: { Set($0.lostSequenceNumbers) == Set($1.lostSequenceNumbers) && $0.senderSSRC == $1.senderSSRC && $0.mediaSSRC == $1.mediaSSRC })
}

func check<T: Equatable>(_ packet: UnsafeRawBufferPointer,
                         _ parse: (UnsafeRawBufferPointer) throws(RTCPParseError) -> T,
                         _ append: (T, inout [UInt8]) -> Void,
                         same: (T, T) -> Bool = { $0 == $1 }) {
    let value: T
    do {
        value = try parse(packet)
    } catch {
        return
    }
    var written: [UInt8] = []
    append(value, &written)
    written.withUnsafeBytes { raw in
        guard let header = try? RTCPHeader(parsing: raw) else {
            FuzzInput.check(false, "\(T.self) wrote an unparsable header: \(written.prefix(8))")
            return
        }
        FuzzInput.check(header.packetLength == raw.count && raw.count % 4 == 0,
                        "\(T.self) length field \(header.length) for \(raw.count) bytes")
        FuzzInput.check((try? RTCPCompoundIterator.validate(raw)) == 1, "\(T.self) output is not one packet")
        let again: T
        do {
            again = try parse(raw)
        } catch {
            FuzzInput.check(false, "\(T.self) does not parse what it wrote: \(error)")
            return
        }
        FuzzInput.check(same(again, value), "\(T.self) round trip: \(again) != \(value)")
        var rewritten: [UInt8] = []
        append(again, &rewritten)
        FuzzInput.check(rewritten == written, "\(T.self) writes differently the second time")
    }
}

/// The entry point; see FuzzDriver for why a fuzz target needs one.
@main
enum Main {
    static func main() {
        FuzzDriver.run { data, size in fuzz(data ?? FuzzDriver.empty, size) }
    }
}
