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

    init(id: String) { self.id = id }

    func add(_ producer: Producer) { producers[producer.id] = producer }

    /// Closes a producer and every consumer of it.
    func remove(producerID: String) {
        guard let producer = producers.removeValue(forKey: producerID) else { return }
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
        return speakerDetector.update(levels: levels, now: now)
    }
}
