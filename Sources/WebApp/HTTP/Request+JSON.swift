import Foundation
import Hummingbird
import NIOCore

extension Request {
    /// Reads and decodes a JSON body, turning every way it can be wrong into a
    /// 4xx a person understands (naming the field when the decoder knows it).
    func decodeJSON<T: Decodable>(_ type: T.Type, context: some RequestContext) async throws -> T {
        var request = self
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: context.maxUploadSize)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw APIError(.contentTooLarge, "payload_too_large", "The request body is too large.")
        } catch is NIOTooManyBytesError {
            throw APIError(.contentTooLarge, "payload_too_large", "The request body is too large.")
        }
        guard buffer.readableBytes > 0 else {
            throw APIError.badRequest("The request needs a JSON body.")
        }
        // Only JSON is accepted. Besides catching client mistakes early, this
        // closes a CSRF door: a cross-site HTML form cannot send
        // application/json without a CORS preflight, which Parley never grants.
        guard (headers[.contentType] ?? "").lowercased().hasPrefix("application/json") else {
            throw APIError(
                .unsupportedMediaType, "unsupported_media_type",
                "Send the request body as JSON with Content-Type: application/json.")
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer: buffer))
        } catch let error as APIError {
            throw error
        } catch let error as DecodingError {
            throw APIError.badRequest(Self.describe(error), field: Self.field(error))
        } catch {
            throw APIError.badRequest("The request body is not valid JSON.")
        }
    }

    private static func path(_ context: DecodingError.Context) -> String {
        context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }

    private static func field(_ error: DecodingError) -> String? {
        switch error {
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c):
            let p = path(c)
            return p.isEmpty ? nil : p
        case .keyNotFound(let key, let c):
            let p = path(c)
            return p.isEmpty ? key.stringValue : p + "." + key.stringValue
        @unknown default:
            return nil
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .typeMismatch(let type, let c):
            let name = path(c)
            let kind: String
            switch type {
            case is String.Type: kind = "text"
            case is Int.Type: kind = "a whole number"
            case is Bool.Type: kind = "true or false"
            case is [Any].Type: kind = "a list"
            default: kind = name.isEmpty ? "a JSON object" : "a different kind of value"
            }
            return name.isEmpty ? "The request body must be \(kind)." : "The field '\(name)' must be \(kind)."
        case .valueNotFound(_, let c):
            return "The field '\(path(c))' must not be null."
        case .keyNotFound(let key, let c):
            let p = path(c)
            return "The field '\(p.isEmpty ? key.stringValue : p + "." + key.stringValue)' is required."
        case .dataCorrupted(let c):
            let p = path(c)
            if p.isEmpty { return "The request body is not valid JSON." }
            return "The field '\(p)' has an invalid value: \(c.debugDescription)"
        @unknown default:
            return "The request body could not be read."
        }
    }
}

extension Response {
    /// A JSON response from an `Encodable` value.
    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try JSONEncoder.api.encode(value)
        return Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(data: data)))
    }

    static var noContent: Response { Response(status: .noContent) }
}

extension JSONEncoder {
    /// The API's encoder: stable key order helps caches and people reading responses.
    static var api: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
