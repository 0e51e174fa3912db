import Foundation
import Hummingbird
import Logging
import NIOCore
import Store

/// Turns every failure into the JSON error shape, so a client never sees an
/// HTML or empty error body: our own ``APIError``s pass through, framework
/// errors (unknown route, body too large) are translated, and anything
/// unexpected becomes a logged 500 without internals in the message.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch let error as HTTPError {
            switch error.status {
            case .notFound:
                throw APIError(.notFound, "not_found", "There is nothing at \(request.uri.path).")
            case .methodNotAllowed:
                throw APIError(.methodNotAllowed, "method_not_allowed", "\(request.method) is not allowed here.")
            case .contentTooLarge:
                throw APIError(.contentTooLarge, "payload_too_large", "The request body is too large.")
            case .rangeNotSatisfiable, .notModified:
                throw error
            default:
                let message = error.body ?? "The request could not be handled."
                throw APIError(error.status, error.status.code < 500 ? "invalid_request" : "internal_error", message)
            }
        } catch is NIOTooManyBytesError {
            throw APIError(.contentTooLarge, "payload_too_large", "The request body is too large.")
        } catch is DatabaseUnavailableError {
            // PostgreSQL is away: meetings in progress carry on (media never
            // waits on it); what needs it is refused until it is back.
            throw APIError(.serviceUnavailable, "database_unavailable",
                           "Parley cannot reach its database right now. Meetings in progress carry on; try again in a moment.")
        } catch {
            context.logger.error("unhandled error", metadata: ["error": "\(String(reflecting: error))", "path": "\(request.uri.path)"])
            throw APIError(.internalServerError, "internal_error", "Something went wrong on the server. Please try again.")
        }
    }
}
