import Foundation
import Hummingbird
import NIOCore

/// Liveness, readiness, metrics, the OpenAPI document, and the web client's pages.
struct SystemController {
    let services: AppServices
    let openAPIDocument: ByteBuffer
    let indexPage: ByteBuffer

    init(services: AppServices) throws {
        self.services = services
        guard let openAPI = Bundle.module.url(forResource: "openapi", withExtension: "json", subdirectory: "OpenAPI"),
            let index = Bundle.module.url(forResource: "index", withExtension: "html", subdirectory: "Public")
        else { throw APIError(.internalServerError, "missing_resources", "The web client's files are missing from this build.") }
        self.openAPIDocument = ByteBuffer(data: try Data(contentsOf: openAPI))
        self.indexPage = ByteBuffer(data: try Data(contentsOf: index))
    }

    static var publicDirectory: String? {
        Bundle.module.url(forResource: "Public", withExtension: nil)?.path
    }

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/healthz") { _, _ in
            try Response.json(["status": "ok"])
        }
        // Readiness, not liveness: 503 while this node should get no new work.
        router.get("/readyz") { _, _ in
            let report = await services.readiness()
            return try Response.json(report, status: report.ready ? .ok : .serviceUnavailable)
        }
        router.get("/metrics") { _, _ in
            let media = await MediaMetricsText.render(services.media)
            let recordings = await RecordingMetricsText.render(services.recordings)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: services.metrics.render() + media + recordings)))
        }
        let openAPI = openAPIDocument
        router.get("/api/openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: openAPI))
        }
        // Unknown API paths are JSON 404s; every other page path is the web
        // client's shell, whose router shows the right page.
        let index = indexPage
        let page: @Sendable (Request, AppRequestContext) async throws -> Response = { request, _ in
            let path = request.uri.path
            // API paths, and file-like paths (left to the file middleware), are not pages.
            if path.hasPrefix("/api/") || path == "/api" || path.hasPrefix("/assets/")
                || (path.split(separator: "/").last?.contains(".") ?? false)
            {
                throw APIError(.notFound, "not_found", "There is nothing at \(path).")
            }
            return Response(
                status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-cache"],
                body: .init(byteBuffer: index))
        }
        router.get("/", use: page)
        router.get("**", use: page)
    }
}
