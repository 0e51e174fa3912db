import Foundation
@testable import Recording

/// Feeds packets to a writer and collects the actions it asked for.
@discardableResult
func feed(_ writer: TrackWriter, _ packets: [TimedPacket]) -> [(arrival: Double, action: TrackWriterAction)] {
    var actions: [(Double, TrackWriterAction)] = []
    for packet in packets {
        let result = packet.bytes.withUnsafeBytes { writer.receive(rtp: $0, at: packet.arrival) }
        actions += result.map { (packet.arrival, $0) }
    }
    return actions
}
