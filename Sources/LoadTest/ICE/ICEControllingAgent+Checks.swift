import SFU

// Sending checks and handling what comes back (RFC 8445 §7.2, §7.3).
extension ICEControllingAgent {
    /// Starts the next check if Ta has passed since the last one (RFC 8445
    /// §6.1.4.2: one new check per Ta). With regular nomination a valid pair
    /// not yet nominated gets its USE-CANDIDATE check first (§8.1.1).
    mutating func startNextCheck(now: ContinuousClock.Instant, into transmits: inout [Transmit]) {
        if let last = lastCheckAt, last.duration(to: now) < pacing { return }
        if role == .controlling, nomination == .regular,
           !pairs.contains(where: { $0.nominating || $0.nominated }),
           let index = pairs.firstIndex(where: { $0.state == .succeeded }) {
            pairs[index].nominating = true
            transmits.append(send(to: pairs[index].remote, purpose: .check, useCandidate: true, now: now))
            lastCheckAt = now
            return
        }
        guard let index = pairs.firstIndex(where: { $0.state == .waiting }) else { return }
        pairs[index].state = .inProgress
        let useCandidate = role == .controlling && nomination == .aggressive
        if useCandidate { pairs[index].nominating = true }
        transmits.append(send(to: pairs[index].remote, purpose: .check, useCandidate: useCandidate, now: now))
        lastCheckAt = now
    }

    /// A Binding request (RFC 8445 §7.2.2): USERNAME "remote:local",
    /// PRIORITY, the role attribute with our tie-breaker, USE-CANDIDATE when
    /// nominating; MESSAGE-INTEGRITY keyed with the peer's password, then
    /// FINGERPRINT (§7.2.2, RFC 8489 §14.5, §14.7).
    mutating func send(to destination: STUNAddress, purpose: Transaction.Purpose, useCandidate: Bool,
                       now: ContinuousClock.Instant) -> Transmit {
        let id = STUNTransactionID.random(using: &random)
        var attributes: [STUNAttribute] = [
            .username("\(remoteUfrag):\(localUfrag)"),
            .priority(checkPriority),
            role == .controlling ? .iceControlling(tieBreaker) : .iceControlled(tieBreaker),
        ]
        if useCandidate { attributes.append(.useCandidate) }
        let request = STUNMessage(method: .binding, messageClass: .request, transactionID: id, attributes: attributes)
        let bytes = request.serialized(integrityPassword: Array(remotePassword.utf8), fingerprint: true)
        transactions[id] = Transaction(destination: destination, purpose: purpose, useCandidate: useCandidate,
                                       bytes: bytes, sentAt: now, transmissions: 1, rto: initialRTO)
        return Transmit(bytes: bytes, destination: destination)
    }

    /// RFC 8489 §6.2.1: resend after RTO, doubling it; after Rc sends the
    /// transaction fails, and with it the pair (a check) or nothing (a
    /// consent check: consent expires by time, RFC 7675 §5.1).
    mutating func retransmit(now: ContinuousClock.Instant, into transmits: inout [Transmit]) {
        for (id, var transaction) in transactions where transaction.sentAt.duration(to: now) >= transaction.rto {
            if transaction.transmissions >= maximumTransmissions {
                transactions[id] = nil
                if transaction.purpose == .check { failPair(transaction.destination, useCandidate: transaction.useCandidate) }
                continue
            }
            transaction.transmissions += 1
            transaction.sentAt = now
            transaction.rto = transaction.rto * 2
            transactions[id] = transaction
            transmits.append(Transmit(bytes: transaction.bytes, destination: transaction.destination))
        }
    }

    mutating func failPair(_ remote: STUNAddress, useCandidate: Bool) {
        guard let index = pairs.firstIndex(where: { $0.remote == remote }) else { return }
        pairs[index].nominating = false
        // A failed nomination of a valid pair leaves it valid; nominating again
        // is the next poll's business.
        if !(useCandidate && pairs[index].state == .succeeded) { pairs[index].state = .failed }
    }

    mutating func scheduleConsent(after now: ContinuousClock.Instant) {
        // 0.8…1.2 × the interval (RFC 7675 §5.1).
        let factor = 0.8 + 0.4 * Double(random.next() >> 11) / Double(1 << 53)
        nextConsentAt = now + consentInterval * factor
    }

    /// Handles one datagram known to be STUN from `source`.
    public mutating func handle(_ bytes: UnsafeRawBufferPointer, from source: STUNAddress,
                                now: ContinuousClock.Instant) -> Outcome {
        guard state != .closed, let message = try? STUNMessage(parsing: bytes) else { return Outcome() }
        // RFC 8489 §7.3: a FINGERPRINT that fails means the datagram is not STUN.
        if message.hasFingerprint && !STUNMessage.verifyFingerprint(bytes) { return Outcome() }
        switch message.messageClass {
        case .request:
            return answer(message, bytes: bytes, from: source, now: now)
        case .successResponse, .errorResponse:
            return response(message, bytes: bytes, from: source, now: now)
        case .indication:
            return Outcome()
        }
    }

    /// A response to one of our requests (RFC 8445 §7.2.5).
    mutating func response(_ message: STUNMessage, bytes: UnsafeRawBufferPointer, from source: STUNAddress,
                           now: ContinuousClock.Instant) -> Outcome {
        guard let transaction = transactions[message.transactionID] else { return Outcome() }
        // Responses are signed with the password of the agent that answers,
        // the peer's (RFC 8445 §7.2.5.1); anything else is discarded as if
        // never received, so the transaction keeps retransmitting.
        guard message.hasMessageIntegrity,
              STUNMessage.verifyIntegrity(bytes, password: Array(remotePassword.utf8)) else { return Outcome() }
        transactions[message.transactionID] = nil
        var outcome = Outcome()
        if message.messageClass == .errorResponse {
            if message.errorCode?.code == 487, transaction.purpose == .check {
                // §7.2.5.1: switch role, and check the pair again.
                role = role == .controlling ? .controlled : .controlling
                outcome.events.append(.roleChanged(role))
                if let index = pairs.firstIndex(where: { $0.remote == transaction.destination }) {
                    pairs[index].state = .waiting
                    pairs[index].nominating = false
                }
            } else if transaction.purpose == .check {
                failPair(transaction.destination, useCandidate: transaction.useCandidate)
            }
            return outcome
        }
        // §7.2.5.2.1: the response must come from where the request went.
        guard source == transaction.destination else {
            if transaction.purpose == .check { failPair(transaction.destination, useCandidate: transaction.useCandidate) }
            return outcome
        }
        if transaction.purpose == .consent {
            lastConsentAt = now
            return outcome
        }
        guard let index = pairs.firstIndex(where: { $0.remote == source }) else { return outcome }
        pairs[index].state = .succeeded
        // §8.1.1: a successful check with USE-CANDIDATE nominates the pair;
        // the first nominated pair is selected (§8.1.2).
        if transaction.useCandidate, role == .controlling {
            pairs[index].nominating = false
            pairs[index].nominated = true
            if selected == nil {
                selected = source
                state = .connected
                lastConsentAt = now
                scheduleConsent(after: now)
                outcome.events.append(.selected(source))
            }
        }
        return outcome
    }

    /// A check from the peer (RFC 8445 §7.3). A lite peer never sends one,
    /// but a full agent must answer, and a role conflict is resolved here.
    mutating func answer(_ message: STUNMessage, bytes: UnsafeRawBufferPointer, from source: STUNAddress,
                         now: ContinuousClock.Instant) -> Outcome {
        guard message.method == .binding, let username = message.username, message.hasMessageIntegrity,
              username == "\(localUfrag):\(remoteUfrag)",
              STUNMessage.verifyIntegrity(bytes, password: Array(localPassword.utf8)) else {
            let error = STUNMessage(method: message.method, messageClass: .errorResponse,
                                    transactionID: message.transactionID,
                                    attributes: [.errorCode(code: message.username == nil ? 400 : 401, reason: "Unauthenticated")])
            return Outcome(response: error.serialized(integrityPassword: nil, fingerprint: true))
        }
        var outcome = Outcome()
        // §7.3.1.1: the agent with the larger tie-breaker keeps its role.
        if role == .controlling, let theirs = message.iceControlling {
            if tieBreaker >= theirs {
                let error = STUNMessage(method: .binding, messageClass: .errorResponse, transactionID: message.transactionID,
                                        attributes: [.errorCode(code: 487, reason: "Role Conflict")])
                return Outcome(response: error.serialized(integrityPassword: Array(localPassword.utf8), fingerprint: true))
            }
            role = .controlled
            outcome.events.append(.roleChanged(.controlled))
        } else if role == .controlled, let theirs = message.iceControlled {
            if tieBreaker >= theirs {
                role = .controlling
                outcome.events.append(.roleChanged(.controlling))
            } else {
                let error = STUNMessage(method: .binding, messageClass: .errorResponse, transactionID: message.transactionID,
                                        attributes: [.errorCode(code: 487, reason: "Role Conflict")])
                return Outcome(response: error.serialized(integrityPassword: Array(localPassword.utf8), fingerprint: true))
            }
        }
        // §7.3.1.3: a check from an address we did not know adds a
        // peer-reflexive remote candidate, with the priority it carries.
        if !pairs.contains(where: { $0.remote == source }), state == .checking || state == .new {
            addRemoteCandidate(source, priority: message.priority ?? 0)
        }
        // §7.3.1.5: a controlled agent selects the pair a USE-CANDIDATE check nominates.
        if role == .controlled, message.hasUseCandidate, selected == nil {
            selected = source
            state = .connected
            lastConsentAt = now
            scheduleConsent(after: now)
            outcome.events.append(.selected(source))
        }
        let success = STUNMessage(method: .binding, messageClass: .successResponse, transactionID: message.transactionID,
                                  attributes: [.xorMappedAddress(source)])
        outcome.response = success.serialized(integrityPassword: Array(localPassword.utf8), fingerprint: true)
        return outcome
    }
}
