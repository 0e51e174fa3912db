import NIOCore

/// The media of one room: its producers and the transports of its
/// participants. Lives on the media event loop.
final class Router {
    let id: String
    var producers: [String: Producer] = [:]
    var transports: [String: WebRTCTransport] = [:]
    /// In-process participants' transports (phone gateway, recorder).
    var localTransports: [String: LocalTransport] = [:]
    var speakerDetector = ActiveSpeakerDetector()
    /// Only the room's home loop tells who speaks: every audio producer is
    /// piped there, so its router hears the whole room; the others would
    /// each announce their own part of it.
    var detectsSpeaker = true
    /// Receiving ends of pipes from the room's routers on other loops, by producer id.
    var pipesIn: [String: PipeTransport] = [:]

    init(id: String) { self.id = id }

    func add(_ producer: Producer) { producers[producer.id] = producer }

    /// Closes a producer and every consumer of it.
    func remove(producerID: String) {
        guard let producer = producers.removeValue(forKey: producerID) else { return }
        for pipe in producer.pipes { pipe.close() }
        producer.pipes.removeAll()
        pipesIn.removeValue(forKey: producerID)?.close()
        for consumer in producer.consumers {
            consumer.active = false
            consumer.transport?.consumerClosed(consumer)
        }
        producer.consumers.removeAll()
        for layer in producer.layers { layer.cache.removeAll() }
    }

    /// Runs speaker detection over the audio producers; returns the new
    /// speaker's producer id when it changed.
    func detectActiveSpeaker(now: NIODeadline) -> String?? {
        var levels: [(producerID: String, level: Double)] = []
        for producer in producers.values where producer.kind == .audio {
            if producer.levelCount > 0 {
                levels.append((producer.id, Double(producer.levelSum) / Double(producer.levelCount)))
            }
            producer.levelSum = 0
            producer.levelCount = 0
        }
        guard detectsSpeaker else { return nil }
        return speakerDetector.update(levels: levels, now: now)
    }
}
