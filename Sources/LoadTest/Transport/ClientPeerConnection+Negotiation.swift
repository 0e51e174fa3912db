import SDP

// The SDP a simulated participant sends from its connections, the same for
// Parley's signaling and Janus's VideoRoom: our ICE credentials, certificate
// fingerprint and host candidate put in the page's publish offer or
// subscribe answer. Called on the connection's loop.
extension ClientPeerConnection {
    /// The publish offer for `plan`'s microphone and camera.
    func publishOffer(for plan: ParticipantPlan) -> PublishOffer {
        PublishOffer(ufrag: localUfrag, password: localPassword, fingerprint: dtlsContext.certificate.sha256Fingerprint,
                     candidate: candidateAttribute, audioSSRC: plan.audio ? UInt32.random(in: 1...UInt32.max) : nil,
                     video: plan.video)
    }

    /// Receives `tracks` (made a subscriber on first use) and answers `offer`.
    func subscribeAnswer(to offer: SessionDescription, tracks: [UInt32: SubscriberMedia.Track]) -> String {
        if subscriber == nil { subscriber = SubscriberMedia(feedbackSSRC: UInt32.random(in: 1...UInt32.max)) }
        subscriber?.setTracks(tracks)
        return SubscribeAnswerWriter(ufrag: localUfrag, password: localPassword,
                                     fingerprint: dtlsContext.certificate.sha256Fingerprint,
                                     candidate: candidateAttribute).answer(to: offer)
    }
}
