import SDP

/// ICE restart (RFC 8445 §9) keeps a peer connection when its network path
/// changes: both sides change their ICE credentials, the browser checks the
/// new candidate pairs and nominates one, and DTLS and SRTP carry on (the
/// DTLS association is not renegotiated, RFC 8842 §4.4: the certificate
/// must stay the same).
extension WebRTCTransport {
    /// New local credentials; the browser's come with its next offer or answer.
    func restartICE() {
        let old = ice.localUfrag
        let credentials = ICELiteAgent.randomCredentials()
        ice.restart(localUfrag: credentials.ufrag, localPassword: credentials.password)
        retiredUfrags.append(old)
        engine.register(ufrag: credentials.ufrag, for: self)
        if role == .subscribe { awaitingRestartAnswer = true }
        logger.info("ICE restart", metadata: ["generation": "\(retiredUfrags.count)"])
    }

    /// An ICE restart keeps the DTLS association: the browser's certificate may not change.
    func checkSameCertificate(_ fingerprint: Fingerprint) throws(MediaError) {
        guard dtls.expectedRemoteFingerprint?.bytes == fingerprint.bytes else {
            throw .negotiation("The browser's DTLS certificate changed: rejoin instead.")
        }
    }
}
