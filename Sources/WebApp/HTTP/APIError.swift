import Foundation
import Hummingbird
import NIOCore

/// An error a person can act on: an HTTP status, a stable machine code and a
/// sentence. Rendered as `{"error": {"code": …, "message": …, "field": …}}`.
public struct APIError: HTTPResponseError, Equatable {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    /// The request field the error is about, when there is one.
    public var field: String?
    /// Extra headers (Retry-After for 429).
    public var headers: HTTPFields = [:]

    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String, field: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
    }

    public static func validation(_ field: String, _ message: String) -> APIError {
        APIError(.unprocessableContent, "validation_failed", message, field: field)
    }

    public static func badRequest(_ message: String, field: String? = nil) -> APIError {
        APIError(.badRequest, "invalid_request", message, field: field)
    }

    public static func notFound(_ what: String) -> APIError {
        APIError(.notFound, "not_found", "\(what) was not found.")
    }

    public static func forbidden(_ message: String) -> APIError {
        APIError(.forbidden, "forbidden", message)
    }

    public static func conflict(_ message: String) -> APIError {
        APIError(.conflict, "conflict", message)
    }

    struct Body: Encodable {
        struct Detail: Encodable {
            var code: String
            var message: String
            var field: String?
        }
        var error: Detail
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let data = try JSONEncoder.api.encode(Body(error: .init(code: code, message: message, field: field)))
        var headers = self.headers
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(data: data)))
    }
}
