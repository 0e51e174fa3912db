import Foundation
import Hummingbird

/// Counts requests by method and status and times them.
struct MetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: AppMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            record(request, status: response.status.code, since: start)
            return response
        } catch let error as any HTTPResponseError {
            record(request, status: error.status.code, since: start)
            throw error
        } catch {
            record(request, status: 500, since: start)
            throw error
        }
    }

    private func record(_ request: Request, status: Int, since start: ContinuousClock.Instant) {
        metrics.httpRequests(method: request.method.rawValue, status: status).increment()
        metrics.httpDuration.record(ContinuousClock.now - start)
    }
}
