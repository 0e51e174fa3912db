import Hummingbird
import SFU

/// The cluster's control plane for pipes between nodes
/// (`MediaNode+NodePipes`): a node with subscribers of some of this node's
/// producers asks for their description (`offer`), makes its copies, then
/// asks for the packets (`start`). Only a node of the cluster may call it:
/// its `Parley-Relayed-By` must be signed with the cluster's key. Not part
/// of the public API (nor of its OpenAPI document).
struct PipeController {
    let services: AppServices

    static let offerPath = "/internal/v1/pipes/offer"
    static let startPath = "/internal/v1/pipes/start"

    /// Which producers of which meeting's room, for which loop of the asking node.
    struct PipeRequest: Codable, Sendable {
        var meetingId: String
        var producerIds: [String]
        var peer: NodePipeEndpoint
    }

    /// The producers that closed before their pipe started.
    struct StartAnswer: Codable, Sendable {
        var gone: [String]
    }

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post(RouterPath(Self.offerPath), use: offer)
        router.post(RouterPath(Self.startPath), use: start)
    }

    @Sendable func offer(_ request: Request, context: AppRequestContext) async throws -> Response {
        let input = try await nodeRequest(request, context: context)
        do {
            return try .json(try await services.media.offerPipes(routerID: input.meetingId, producerIDs: input.producerIds,
                                                                 to: input.peer))
        } catch let error as MediaError {
            throw APIError(.conflict, "pipes_unavailable", "This node cannot pipe media now: \(error)")
        }
    }

    @Sendable func start(_ request: Request, context: AppRequestContext) async throws -> Response {
        let input = try await nodeRequest(request, context: context)
        do {
            let gone = try await services.media.startPipes(routerID: input.meetingId, producerIDs: input.producerIds, to: input.peer)
            return try .json(StartAnswer(gone: gone))
        } catch let error as MediaError {
            throw APIError(.conflict, "pipes_unavailable", "This node cannot pipe media now: \(error)")
        }
    }

    private func nodeRequest(_ request: Request, context: AppRequestContext) async throws -> PipeRequest {
        try services.forwarder.requireNode(request)
        let input = try await request.decodeJSON(PipeRequest.self, context: context)
        guard !input.meetingId.isEmpty, input.producerIds.count <= 1000 else {
            throw APIError(.badRequest, "bad_request", "A pipe needs a meeting and at most 1,000 producers.")
        }
        return input
    }
}
