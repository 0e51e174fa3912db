import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The REST calls a user makes before a meeting (the OpenAPI document):
/// sign up (which signs in), create a meeting, and ask for join tokens
/// (`POST /api/v1/join/{code}`), as a host with the session cookie or as a
/// guest with a display name.
public struct ParleyAPI: Sendable {
    public let base: URL
    let session: URLSession

    public init(base: URL) {
        self.base = base
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpShouldSetCookies = false
        configuration.timeoutIntervalForRequest = 15
        session = URLSession(configuration: configuration)
    }

    /// `POST path` with a JSON body; returns the status, the JSON and the Set-Cookie header.
    func post(_ path: String, json: [String: String], cookie: String? = nil) async throws
        -> (status: Int, body: [String: Any], setCookie: String?) {
        var request = URLRequest(url: base.appendingPathComponent(path))
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        if let cookie { request.setValue(cookie, forHTTPHeaderField: "Cookie") }
        request.httpBody = try JSONSerialization.data(withJSONObject: json)
        let (data, response) = try await session.data(for: request)
        let http = response as? HTTPURLResponse
        let body = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return (http?.statusCode ?? 0, body, http?.value(forHTTPHeaderField: "Set-Cookie"))
    }

    /// Signs up a new account; returns its session cookie ("name=value").
    public func signUp(username: String, displayName: String, password: String) async throws -> String {
        let reply = try await post("api/v1/auth/register", json: ["username": username, "displayName": displayName, "password": password])
        guard reply.status == 201, let cookie = reply.setCookie?.split(separator: ";").first else {
            throw LoadTestError.http("sign-up answered \(reply.status) \(reply.body)")
        }
        return String(cookie)
    }

    /// Creates a meeting; returns its code.
    public func createMeeting(title: String, cookie: String) async throws -> String {
        let reply = try await post("api/v1/meetings", json: ["title": title], cookie: cookie)
        guard reply.status == 201, let code = reply.body["code"] as? String else {
            throw LoadTestError.http("creating a meeting answered \(reply.status) \(reply.body)")
        }
        return code
    }

    /// A join token: as the signed-in host (`cookie`) or as a guest.
    public func joinToken(code: String, cookie: String? = nil, guestName: String? = nil) async throws -> String {
        let reply = try await post("api/v1/join/\(code)", json: guestName.map { ["displayName": $0] } ?? [:], cookie: cookie)
        guard reply.status == 200, let token = reply.body["joinToken"] as? String else {
            throw LoadTestError.http("join answered \(reply.status) \(reply.body)")
        }
        return token
    }
}
