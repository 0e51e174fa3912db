extension MatroskaScan {
    /// The walk over the elements; kept apart from the result it fills in.
    struct Reader {
        typealias ID = MatroskaElementID
        let bytes: UnsafeRawBufferPointer
        let keepBlocks: Bool
        /// Cluster timestamp in ticks.
        private var clusterTimestamp: UInt64 = 0

        init(bytes: UnsafeRawBufferPointer, keepBlocks: Bool) {
            self.bytes = bytes
            self.keepBlocks = keepBlocks
        }

        mutating func run(into scan: inout MatroskaScan) throws(MatroskaScanError) {
            // EBML header.
            let magic: [UInt8] = [0x1A, 0x45, 0xDF, 0xA3]
            let prefix = min(bytes.count, 4)
            guard bytes.prefix(prefix).elementsEqual(magic.prefix(prefix)) else { throw .notEBML }
            let header: EBMLReader.ElementHeader
            do {
                header = try EBMLReader.header(in: bytes, at: 0)
            } catch .truncated {
                scan.stop = .truncated
                return
            } catch {
                throw .badHeader
            }
            guard let headerEnd = header.dataEnd else { throw .badHeader }
            guard headerEnd <= bytes.count else {
                scan.stop = .truncated
                return
            }
            let docType = try readDocType(header.dataStart..<headerEnd)
            scan.docType = docType
            scan.endOffset = headerEnd

            // Skip to the Segment (Void elements may come first).
            var offset = headerEnd
            while true {
                guard let segment = element(at: offset, scan: &scan) else { return }
                if segment.id == ID.segment {
                    let end = segment.dataEnd.map { min($0, bytes.count) } ?? bytes.count
                    scan.endOffset = segment.dataStart
                    readSegment(segment.dataStart..<end, declaredEnd: segment.dataEnd, into: &scan)
                    return
                }
                guard let end = segment.dataEnd, end <= bytes.count else {
                    scan.stop = segment.dataEnd == nil ? .malformed : .truncated
                    return
                }
                offset = end
                scan.endOffset = end
            }
        }

        /// The element header at `offset`, or nil after recording why there is none
        /// (`.end` when `offset` is the end of the bytes).
        private func element(at offset: Int, scan: inout MatroskaScan) -> EBMLReader.ElementHeader? {
            guard offset < bytes.count else {
                scan.stop = .end
                return nil
            }
            do {
                return try EBMLReader.header(in: bytes, at: offset)
            } catch {
                scan.stop = error == .truncated ? .truncated : .malformed
                return nil
            }
        }

        private func readDocType(_ range: Range<Int>) throws(MatroskaScanError) -> String {
            var offset = range.lowerBound
            var docType = "matroska" // RFC 8794 §11.2.6 default
            while offset < range.upperBound {
                guard let child = try? EBMLReader.header(in: bytes, at: offset), let end = child.dataEnd,
                      end <= range.upperBound else { throw .badHeader }
                if child.id == ID.docType, let value = EBMLReader.string(bytes, child.dataStart..<end) {
                    docType = value
                }
                offset = end
            }
            guard docType == "webm" || docType == "matroska" else { throw .badHeader }
            return docType
        }

        /// Top-level elements of the Segment until its end or the first problem.
        private mutating func readSegment(_ range: Range<Int>, declaredEnd: Int?, into scan: inout MatroskaScan) {
            var offset = range.lowerBound
            while offset < range.upperBound {
                guard let child = element(at: offset, scan: &scan) else { return }
                if child.id == ID.cluster {
                    guard let next = readCluster(child, segmentEnd: range.upperBound, into: &scan) else { return }
                    offset = next
                    continue
                }
                // Every other element must be whole to be used or skipped.
                guard let end = child.dataEnd else {
                    scan.stop = .malformed
                    return
                }
                guard end <= range.upperBound else {
                    scan.stop = .truncated
                    return
                }
                switch child.id {
                case ID.info:
                    readInfo(child.dataStart..<end, into: &scan)
                case ID.tracks:
                    readTracks(child.dataStart..<end, into: &scan)
                default:
                    break
                }
                offset = end
                scan.endOffset = end
            }
            scan.stop = declaredEnd.map { $0 > bytes.count } == true ? .truncated : .end
        }

        /// A Cluster's children; returns where the Segment continues, or nil to stop.
        private mutating func readCluster(_ cluster: EBMLReader.ElementHeader, segmentEnd: Int,
                                          into scan: inout MatroskaScan) -> Int? {
            let end = cluster.dataEnd.map { min($0, segmentEnd) } ?? segmentEnd
            var offset = cluster.dataStart
            clusterTimestamp = 0
            scan.endOffset = cluster.dataStart
            while offset < end {
                guard let child = element(at: offset, scan: &scan) else { return nil }
                // An unknown-size cluster ends where a Segment-level element starts
                // (RFC 8794 §6.2); so does a known-size one that was cut short.
                if MatroskaElementID.segmentChildren.contains(child.id) || child.id == ID.ebml {
                    return offset
                }
                guard let childEnd = child.dataEnd else {
                    scan.stop = .malformed
                    return nil
                }
                guard childEnd <= end else {
                    scan.stop = .truncated
                    return nil
                }
                switch child.id {
                case ID.timestamp:
                    clusterTimestamp = EBMLReader.uint(bytes, child.dataStart..<childEnd) ?? 0
                case ID.simpleBlock:
                    guard readBlock(child.dataStart..<childEnd, simple: true, into: &scan) else { return nil }
                case ID.blockGroup:
                    guard readBlockGroup(child.dataStart..<childEnd, into: &scan) else { return nil }
                default:
                    break
                }
                offset = childEnd
                scan.endOffset = childEnd
            }
            if let declared = cluster.dataEnd, declared > segmentEnd {
                scan.stop = .truncated
                return nil
            }
            return end
        }

        /// A BlockGroup counts only when all of it is well-formed, so that a
        /// scan of the bytes up to `endOffset` finds the same blocks.
        private mutating func readBlockGroup(_ range: Range<Int>, into scan: inout MatroskaScan) -> Bool {
            var offset = range.lowerBound
            var block: Range<Int>?
            while offset < range.upperBound {
                guard let child = try? EBMLReader.header(in: bytes, at: offset), let end = child.dataEnd,
                      end <= range.upperBound else {
                    scan.stop = .malformed
                    return false
                }
                if child.id == ID.block, block == nil { block = child.dataStart..<end }
                offset = end
            }
            guard let block else { return true }
            return readBlock(block, simple: false, into: &scan)
        }

        /// A (Simple)Block body (RFC 9559 §10.1): track VINT, int16 relative
        /// timestamp, flags, frame data.
        private mutating func readBlock(_ range: Range<Int>, simple: Bool, into scan: inout MatroskaScan) -> Bool {
            guard let (track, length) = try? EBMLReader.vint(in: bytes, at: range.lowerBound), let track,
                  range.lowerBound + length + 3 <= range.upperBound else {
                scan.stop = .malformed
                return false
            }
            let at = range.lowerBound + length
            let relative = Int16(bitPattern: UInt16(bytes[at]) << 8 | UInt16(bytes[at + 1]))
            let flags = bytes[at + 2]
            let ticks = Int64(clamping: clusterTimestamp) &+ Int64(relative)
            let timestamp = Self.milliseconds(ticks: ticks, scale: scan.timestampScale)
            let keyframe = simple ? flags & 0x80 != 0 : true
            scan.blockCount += 1
            if keyframe { scan.keyframeCount += 1 }
            if scan.firstTimestamp == nil { scan.firstTimestamp = timestamp }
            scan.lastTimestamp = timestamp
            if keepBlocks {
                scan.blocks.append(Block(trackNumber: track, timestamp: timestamp, keyframe: keyframe,
                                         laced: flags & 0x06 != 0, data: (at + 3)..<range.upperBound))
            }
            return true
        }

        /// Ticks × scale (ns) in milliseconds, saturating rather than overflowing.
        static func milliseconds(ticks: Int64, scale: UInt64) -> Int64 {
            let product = ticks.multipliedReportingOverflow(by: Int64(clamping: scale))
            if product.overflow {
                return ticks < 0 ? Int64.min / 1_000_000 : Int64.max / 1_000_000
            }
            return product.partialValue / 1_000_000
        }
    }
}
