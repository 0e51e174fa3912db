import Audio
import Foundation
import Gateway
import Logging
import NIOCore
import Rooms
import Settings
import Store

/// The gateway as `[sip]` and `[[trunk]]` describe it, checked before anything
/// listens: a dialplan with errors, or a wildcard address with nothing to
/// advertise, stops the server at start.
struct GatewayPlan {
    var configuration: GatewayConfiguration
    let dialplan: Dialplan

    /// Nil when SIP is off.
    init?(configuration c: ParleyConfiguration) throws {
        guard let address = c.sip.address else { return nil }
        dialplan = try Dialplan.load(path: Self.locate(c.sip.dialplan))
        let advertised = !c.sip.publicAddress.isEmpty ? c.sip.publicAddress
            : !c.media.publicAddress.isEmpty ? c.media.publicAddress : address.host
        let wildcard = ["0.0.0.0", "::", "[::]"].contains(advertised)
        guard !wildcard else {
            throw ConfigurationError(message: "sip.address \(address) listens on every interface, so set sip.public_address "
                + "(or media.public_address) to the IP phones should send RTP to")
        }
        let trunks = try c.trunks.map { t in
            let allow = try t.allow.map { text in
                guard let block = AddressBlock(text) else { throw ConfigurationError(message: "trunk \(t.name): '\(text)' is not an address") }
                return block
            }
            return TrunkConfiguration(
                name: t.name, uri: t.uri, username: t.username, password: t.password, register: t.register,
                registerSeconds: t.registerSeconds, callerID: t.callerID, dialOut: t.dialOut.map(NumberPattern.init),
                numbers: t.numbers.map(NumberPattern.init), allow: allow,
                inbound: t.inboundUsername.isEmpty ? nil : SIPCredentials(username: t.inboundUsername, password: t.inboundPassword))
        }
        configuration = GatewayConfiguration(
            sipHost: address.host, sipPort: address.port, rtpHost: address.host, advertisedAddress: advertised,
            rtpPorts: address.port == 0 ? 0...0 : c.sip.rtpPorts, codecs: c.sip.codecs, maxCalls: c.sip.maxCalls,
            maxPromptCalls: c.sip.maxPromptCalls, headroom: c.sip.admitByLoad ? LoopHeadroom() : nil,
            invitesPerMinute: c.sip.invitesPerMinute, rtpTimeout: .seconds(Int64(c.sip.rtpTimeoutSeconds)),
            sessionExpires: c.sip.sessionExpiresSeconds, maskCallerNumbers: c.sip.maskCallerNumbers,
            promptsDirectory: Self.locate(c.sip.prompts), trunks: trunks)
        configuration.voiceCleaning = VoiceCleaner.Settings(
            noiseSuppression: c.sip.noiseSuppression, automaticGain: c.sip.automaticGain)
        configuration.callerHeaders = c.sip.callerHeaders
        configuration.directCalls = c.sip.directCalls
        configuration.authRealm = c.sip.dialInDomain
        switch (c.sip.tlsCertificate.isEmpty, c.sip.tlsKey.isEmpty) {
        case (true, true):
            break
        case (false, false):
            let directory = URL(fileURLWithPath: c.storage.dataDirectory).appendingPathComponent("sip-tls").path
            do {
                try SIPTLSFiles.prepare(certificate: c.sip.tlsCertificate, key: c.sip.tlsKey, in: directory)
            } catch {
                throw ConfigurationError(message: "SIP over TLS: \(error)")
            }
            configuration.tls = SIPUserAgentConfiguration.TLS(port: c.sip.tlsPort, directory: directory)
        default:
            throw ConfigurationError(message: "SIP over TLS needs both sip.tls_certificate and sip.tls_key")
        }
    }

    /// The gateway, bridging calls into `rooms` and finding meetings in `store`.
    func makeGateway(rooms: RoomRegistry, store: Store, eventLoops: [any EventLoop], logger: Logger) async throws -> PhoneGateway {
        try await PhoneGateway(configuration: configuration, dialplan: dialplan, rooms: rooms,
                               directory: StoreMeetingDirectory(store: store), eventLoops: eventLoops, logger: logger)
    }

    /// A relative path as given if it exists from the working directory, else
    /// from the checkout the binary was built in (`.build/<config>/parley`), so
    /// `Prompts/` and `Dialplans/` are found wherever the server is started.
    static func locate(_ path: String) -> String {
        let files = FileManager.default
        guard !path.hasPrefix("/"), !files.fileExists(atPath: path) else { return path }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent(path).path
            if files.fileExists(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return path
    }
}
