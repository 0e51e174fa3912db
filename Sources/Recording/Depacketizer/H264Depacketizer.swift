/// Rebuilds H.264 access units from RTP payloads in packetization-mode 1
/// (RFC 6184 §6.3): single NAL unit packets (§5.6), STAP-A (§5.7.1) and FU-A
/// (§5.8). Keeps the latest SPS and PPS, from which the Matroska track's avcC
/// is built.
public struct H264Depacketizer: Sendable {
    /// The latest sequence parameter set seen (a whole NAL unit).
    public private(set) var sequenceParameterSet: [UInt8]?
    /// The latest picture parameter set seen.
    public private(set) var pictureParameterSet: [UInt8]?
    /// The latest SPS, parsed.
    public private(set) var parameters: H264SequenceParameterSet?

    public init() {}

    /// The avcC for the parameter sets seen, once there are both.
    public var configuration: AVCDecoderConfigurationRecord? {
        guard let sps = sequenceParameterSet, let pps = pictureParameterSet else { return nil }
        return AVCDecoderConfigurationRecord(sequenceParameterSets: [sps], pictureParameterSets: [pps])
    }

    /// The NAL units of one access unit (header byte first, no start codes or lengths).
    public mutating func nalUnits(from payloads: [[UInt8]]) throws(DepacketizerError) -> [[UInt8]] {
        var units: [[UInt8]] = []
        var fragment: [UInt8]? // an FU-A NAL unit being reassembled
        for payload in payloads {
            guard let header = payload.first else { throw .malformed }
            guard header & 0x80 == 0 else { throw .malformed } // F bit: a known-broken NAL (§5.3)
            let type = header & 0x1F
            switch type {
            case 1...23:
                guard fragment == nil else { throw .incomplete }
                units.append(payload)
            case 24:
                guard fragment == nil else { throw .incomplete }
                try Self.appendAggregated(payload, to: &units)
            case 28:
                guard payload.count >= 3 else { throw .malformed }
                let fuHeader = payload[1]
                let start = fuHeader & 0x80 != 0
                let end = fuHeader & 0x40 != 0
                // §5.8: a single FU with both S and E set is not allowed.
                guard !(start && end) else { throw .malformed }
                if start {
                    guard fragment == nil else { throw .incomplete }
                    // The NAL header: F and NRI from the FU indicator, the type from the FU header.
                    fragment = [header & 0xE0 | fuHeader & 0x1F] + payload[2...]
                } else {
                    guard var open = fragment else { throw .missingStart }
                    guard open[0] & 0x1F == fuHeader & 0x1F else { throw .malformed }
                    open.append(contentsOf: payload[2...])
                    fragment = open
                }
                if end, let whole = fragment {
                    units.append(whole)
                    fragment = nil
                }
            case 25, 26, 27, 29:
                throw .unsupportedPacketType(type)
            default:
                // 0, 30, 31: undefined; receivers ignore them (RFC 6184 §5.4 Table 1).
                continue
            }
        }
        guard fragment == nil else { throw .incomplete }
        guard !units.isEmpty else { throw .empty }
        return units
    }

    /// The access unit as 4-byte length-prefixed NAL units (filler data, type
    /// 12, left out). Parameter sets stay in the frame as well as in the avcC,
    /// so a decoder follows a mid-stream change of size.
    public mutating func frame(from payloads: [[UInt8]]) throws(DepacketizerError) -> DepacketizedFrame {
        let units = try nalUnits(from: payloads)
        var data: [UInt8] = []
        data.reserveCapacity(units.reduce(0) { $0 + $1.count + 4 })
        var isKeyframe = false
        for unit in units {
            switch unit[0] & 0x1F {
            case 5:
                isKeyframe = true
            case 7:
                let parsed = try? H264SequenceParameterSet(parsing: unit)
                if let parsed {
                    sequenceParameterSet = unit
                    parameters = parsed
                }
            case 8:
                pictureParameterSet = unit
            case 12:
                continue
            default:
                break
            }
            let count = UInt32(unit.count)
            data.append(contentsOf: [UInt8(count >> 24), UInt8(count >> 16 & 0xFF), UInt8(count >> 8 & 0xFF), UInt8(count & 0xFF)])
            data.append(contentsOf: unit)
        }
        guard !data.isEmpty else { throw .empty } // nothing but filler
        return DepacketizedFrame(data: data, isKeyframe: isKeyframe,
                                 width: isKeyframe ? parameters?.width : nil, height: isKeyframe ? parameters?.height : nil)
    }

    /// STAP-A (§5.7.1): after the header byte, NAL units each preceded by a
    /// 16-bit size; sizes of 0 or running past the end are malformed.
    private static func appendAggregated(_ payload: [UInt8], to units: inout [[UInt8]]) throws(DepacketizerError) {
        var offset = 1
        guard payload.count > 3 else { throw .malformed }
        while offset < payload.count {
            guard offset + 2 <= payload.count else { throw .malformed }
            let size = Int(payload[offset]) << 8 | Int(payload[offset + 1])
            offset += 2
            guard size > 0, offset + size <= payload.count else { throw .malformed }
            let unit = Array(payload[offset..<offset + size])
            guard unit[0] & 0x80 == 0 else { throw .malformed }
            units.append(unit)
            offset += size
        }
    }
}
