import DTLS
import Foundation

/// The fuzzer's DTLS context, and the seed corpus made from a real handshake.
enum Seeds {
    /// One node identity for every input (key generation is slow).
    static let server: DTLSContext = {
        do { return try DTLSContext(certificate: DTLSCertificate()) } catch { fatalError("DTLS context: \(error)") }
    }()

    /// `FUZZ_DTLS_WRITE_SEEDS=DIR FuzzDTLS` runs a client↔server handshake in
    /// memory and writes inputs built from its flights to DIR (the seeds in
    /// Corpus/FuzzDTLS were made this way). The handshake is never replayable
    /// (fresh randoms and keys), but its flights lead the server through
    /// ClientHello, Certificate, ClientKeyExchange, CertificateVerify,
    /// ChangeCipherSpec and an encrypted Finished.
    static func write(to directory: String) {
        let client: DTLSContext
        do { client = try DTLSContext(certificate: DTLSCertificate()) } catch { fatalError("client context: \(error)") }
        guard let s = try? DTLSSession(context: server, role: .server),
              let c = try? DTLSSession(context: client, role: .client) else { fatalError("sessions") }
        _ = s.setRemoteFingerprint(algorithm: "sha-256", bytes: fingerprint(client.certificate.sha256Fingerprint))
        _ = c.setRemoteFingerprint(algorithm: "sha-256", bytes: fingerprint(server.certificate.sha256Fingerprint))
        var clientFlights: [[[UInt8]]] = [c.start().datagrams]
        var serverFlights: [[[UInt8]]] = []
        var connected = 0
        for _ in 0..<10 {
            var reply: [[UInt8]] = []
            for d in clientFlights.last! {
                let o = d.withUnsafeBytes { s.receive($0) }
                reply += o.datagrams
                if case .connected? = o.event { connected += 1 }
            }
            if reply.isEmpty { break }
            serverFlights.append(reply)
            var next: [[UInt8]] = []
            for d in reply {
                let o = d.withUnsafeBytes { c.receive($0) }
                next += o.datagrams
                if case .connected? = o.event { connected += 1 }
            }
            if next.isEmpty { break }
            clientFlights.append(next)
        }
        guard connected == 2, clientFlights.count >= 2, !serverFlights.isEmpty else {
            fatalError("the seed handshake did not complete (\(connected) sides connected)")
        }
        let hello = clientFlights[0]
        let second = clientFlights[1]
        let alert: [UInt8] = [21, 0xFE, 0xFD, 0, 0, 0, 0, 0, 0, 0, 1, 0, 2, 2, 40] // fatal handshake_failure
        let seeds: [(String, UInt8, [[UInt8]])] = [
            ("client-hello", 0x00, hello),
            ("client-hello-twice", 0x00, hello + hello),
            ("client-flights", 0x00, hello + second),
            ("client-flights-timeouts-close", 0x0C, hello + second),
            ("client-flights-fingerprints-mtu512", 0x32, hello + second),
            ("client-hello-then-alert", 0x00, hello + [alert]),
            ("client-hello-split-records", 0x00, hello + second.flatMap { splitRecords($0) }),
            ("as-client-server-flights", 0x01, serverFlights.flatMap { $0 }),
        ]
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for (name, flags, datagrams) in seeds {
            var bytes: [UInt8] = [flags]
            for d in datagrams { bytes += [UInt8(d.count >> 8), UInt8(d.count & 0xFF)] + d }
            guard FileManager.default.createFile(atPath: "\(directory)/\(name)", contents: Data(bytes)) else { fatalError("cannot write \(directory)/\(name)") }
            print("\(name): \(datagrams.count) datagrams, \(bytes.count) bytes")
        }
    }

    /// A datagram's records as datagrams of their own.
    private static func splitRecords(_ d: [UInt8]) -> [[UInt8]] {
        var out: [[UInt8]] = []
        var i = 0
        while i + 13 <= d.count {
            let end = min(d.count, i + 13 + (Int(d[i + 11]) << 8 | Int(d[i + 12])))
            out.append(Array(d[i..<end]))
            i = end
        }
        return out
    }

    private static func fingerprint(_ text: String) -> [UInt8] {
        text.split(separator: ":").compactMap { UInt8($0, radix: 16) }
    }
}
