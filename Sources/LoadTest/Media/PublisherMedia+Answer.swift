import SDP

extension PublisherMedia {
    /// The media our publish offer promised, as the SFU's answer accepted it:
    /// a rejected m-line sends nothing, header extensions the answer dropped
    /// are not written, and RTX is used only if the answer kept it (RFC 4588 §8.6).
    public static func answering(_ offer: PublishOffer, with answer: SessionDescription,
                                 seed: UInt64 = UInt64.random(in: .min ... .max)) -> PublisherMedia {
        var audio: OpusSource?
        var video: VP8SimulcastSource?
        if let mid = offer.audioMid, let ssrc = offer.audioSSRC, let section = answer.media(mid: mid), !section.isRejected {
            audio = OpusSource(ssrc: ssrc, mid: mid, ids: PublishOffer.acceptedIDs(offer.ids, in: section), seed: seed)
        }
        if let mid = offer.videoMid, let section = answer.media(mid: mid), !section.isRejected {
            let rtx: UInt8? = section.codecs.contains { $0.isRTX } ? 97 : nil
            video = VP8SimulcastSource(mid: mid, ids: PublishOffer.acceptedIDs(offer.ids, in: section),
                                       rtxPayloadType: rtx, seed: seed &+ 1)
        }
        return PublisherMedia(audio: audio, video: video, feedbackSSRC: UInt32(truncatingIfNeeded: seed >> 32) | 1)
    }
}
