import SDP
import SFU

extension Room {
    /// Adds a producer on an in-process participant's local transport (a
    /// phone caller's voice, already Opus) and lets everyone subscribe to it.
    /// Returns the producer id, to feed through the transport's handle.
    public func publishLocal(_ id: String, source: MediaSource, codec: RTPCodecParameters) async throws(RoomError) -> String {
        guard let p = participants[id], !p.waiting, case .local(let transportID) = p.media else { throw .notInRoom }
        let producer: MediaNode.ProducerInfo
        do {
            producer = try await media.produceLocal(transportID: transportID, source: source, codec: codec)
        } catch {
            throw RoomError("media_unavailable", "The media server could not take this track: \(error)")
        }
        guard participants[id] != nil else { throw .notInRoom }
        if let old = participants[id]?.producerID(for: source) {
            participants[id]?.producers[old] = nil
            producerOwners[old] = nil
        }
        participants[id]?.producers[producer.id] = (source, producer.kind, false)
        producerOwners[producer.id] = id
        broadcastUpdate(of: id)
        for other in present where other.id != id { await syncSubscriptions(of: other.id) }
        return producer.id
    }
}
