import NIOCore
import RTP

extension WebRTCTransport {
    /// An SRTCP compound packet from the browser (RFC 3550 §6.1): decrypted
    /// in place, then each packet handled. Unknown packet types are skipped.
    func receiveRTCP(_ packet: inout ByteBuffer, now: NIODeadline) {
        guard let srtpIn else { return }
        let length: Int
        do {
            length = try packet.withUnsafeMutableReadableBytes { try srtpIn.unprotectRTCP($0, length: $0.count) }
        } catch {
            engine.metrics.droppedPackets(kind: "srtcp", reason: "\(error)")
            return
        }
        packet.moveWriterIndex(to: packet.readerIndex + length)
        packet.withUnsafeReadableBytes { compound in
            var iterator = RTCPCompoundIterator(compound)
            while true {
                let view: RTCPPacketView?
                do { view = try iterator.nextPacket() } catch {
                    engine.metrics.droppedPackets(kind: "rtcp", reason: "\(error)")
                    return
                }
                guard let view else { return }
                handleRTCP(view, bytes: view.bytes(in: compound), now: now)
            }
        }
    }

    private func handleRTCP(_ view: RTCPPacketView, bytes: UnsafeRawBufferPointer, now: NIODeadline) {
        do {
            switch (view.packetType, view.count) {
            case (200, _):  // SR from a publisher: keep its time for our RR's LSR/DLSR (RFC 3550 §6.4.1)
                let sr = try SenderReport(parsing: bytes)
                if let route = ssrcTable[sr.ssrc], !route.isRTX {
                    route.layer.statistics.lastSenderReport = (sr.compactNTP, now)
                    route.producer.passOn(sr, layer: route.layer.index)
                }
                if role == .subscribe {
                    reportedLoss = sr.reportBlocks.map(\.fractionLost).max() ?? reportedLoss
                    for block in sr.reportBlocks { consumersBySSRC[block.ssrc]?.receiverReported(fractionLost: block.fractionLost, now: now) }
                }
            case (201, _):  // RR from a subscriber: how much of what we send it loses
                let rr = try ReceiverReport(parsing: bytes)
                reportedLoss = rr.reportBlocks.map(\.fractionLost).max() ?? 0
                for block in rr.reportBlocks { consumersBySSRC[block.ssrc]?.receiverReported(fractionLost: block.fractionLost, now: now) }
            case (205, 1):  // Generic NACK (RFC 4585 §6.2.1) from a subscriber
                let nack = try GenericNACK(parsing: bytes)
                consumersBySSRC[nack.mediaSSRC]?.retransmit(sequences: nack.lostSequenceNumbers)
                engine.metrics.nacksReceived += 1
            case (206, 1):  // PLI (RFC 4585 §6.3.1)
                let pli = try PictureLossIndication(parsing: bytes)
                consumersBySSRC[pli.mediaSSRC]?.requestKeyframe(now: now)
            case (206, 4):  // FIR (RFC 5104 §4.3.1)
                let fir = try FullIntraRequest(parsing: bytes)
                for entry in fir.entries { consumersBySSRC[entry.ssrc]?.requestKeyframe(now: now) }
            case (206, 15):  // REMB: the subscriber's receive-side bandwidth estimate
                if let remb = try? ReceiverEstimatedMaxBitrate(parsing: bytes) {
                    estimatedBitrate = Int(clamping: remb.bitrate)
                }
            default:
                break
            }
        } catch {
            engine.metrics.droppedPackets(kind: "rtcp", reason: "\(error)")
        }
    }

    /// Receiver reports for every stream we receive (RFC 3550 §6.4.2), at
    /// most 31 blocks per report.
    func sendReports(now: NIODeadline) {
        guard role == .publish else { return }
        var blocks: [ReportBlock] = []
        for (ssrc, route) in ssrcTable where !route.isRTX {
            if let block = route.layer.statistics.reportBlock(ssrc: ssrc, now: now) { blocks.append(block) }
        }
        guard !blocks.isEmpty else { return }
        var bytes: [UInt8] = []
        var start = 0
        while start < blocks.count {
            let end = min(blocks.count, start + ReceiverReport.maxReportBlocks)
            ReceiverReport(ssrc: feedbackSSRC, reportBlocks: Array(blocks[start..<end])).append(to: &bytes)
            start = end
        }
        sendRTCP(bytes)
    }
}
