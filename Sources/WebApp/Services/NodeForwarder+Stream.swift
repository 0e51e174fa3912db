import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1
import NIOPosix
import Rooms

extension NodeForwarder {
    /// Answer headers passed back from the other node.
    static let passedHeaders = ["Content-Type", "Content-Length", "Content-Range", "Accept-Ranges", "Content-Disposition",
                                "Cache-Control", "Last-Modified", "ETag"]

    /// `method pathAndQuery` (no body) on `node` with `headers` (the
    /// caller's cookie and range) and this node's signed mark, its answer
    /// streamed back as it arrives: a recording's file can be gigabytes, so
    /// nothing is held whole. Nil when the node cannot be reached or its
    /// address is not plain HTTP (`cluster.internal_url` over TLS is not
    /// streamed here).
    func stream(_ method: NIOHTTP1.HTTPMethod, _ pathAndQuery: String, headers: [(String, String)],
                to node: RoomLocation.RemoteNode, group: any EventLoopGroup) async -> Response? {
        guard let text = node.url(pathAndQuery), let url = URL(string: text), url.scheme == "http", let host = url.host else {
            return nil
        }
        let port = url.port ?? 80
        let channel: NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>
        do {
            channel = try await ClientBootstrap(group: group)
                .connectTimeout(.seconds(5))
                .connect(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            return nil
        }
        var head = HTTPRequestHead(version: .http1_1, method: method, uri: pathAndQuery)
        head.headers.add(name: "Host", value: "\(host):\(port)")
        head.headers.add(name: "Connection", value: "close")
        head.headers.add(name: SignalingRelay.relayedByHeader.rawName, value: relayedBy(method: method.rawValue, path: url.path))
        for (name, value) in headers { head.headers.add(name: name, value: value) }
        let requestHead = head
        let body = BodyHandOver()
        let (heads, headContinuation) = AsyncStream<HTTPResponseHead>.makeStream()
        let reading = Task {
            do {
                try await channel.executeThenClose { inbound, outbound in
                    try await outbound.write(.head(requestHead))
                    try await outbound.write(.end(nil))
                    for try await part in inbound {
                        switch part {
                        case .head(let head): headContinuation.yield(head)
                        case .body(let chunk): guard await body.put(chunk) else { return }
                        case .end: await body.finish(); return
                        }
                    }
                    await body.finish(failed: true)
                }
            } catch {
                await body.finish(failed: true)
            }
            headContinuation.finish()
        }
        // Nobody may ever come for the body (the browser left before it was
        // written): after a minute without a chunk taken, the read stops and
        // the connection to the other node closes.
        Task {
            while !(await body.isStuck(after: .seconds(60))) { try? await Task.sleep(for: .seconds(10)) }
            reading.cancel()
        }
        var iterator = heads.makeAsyncIterator()
        guard let answer = await iterator.next() else {
            reading.cancel()
            return nil
        }
        var fields = HTTPFields()
        for name in Self.passedHeaders {
            if let value = answer.headers.first(name: name), let field = HTTPField.Name(name) { fields[field] = value }
        }
        let length = answer.headers.first(name: "Content-Length").flatMap(Int.init)
        return Response(status: .init(code: Int(answer.status.code)), headers: fields, body: ResponseBody(contentLength: length) { writer in
            do {
                while let chunk = try await body.take() { try await writer.write(chunk) }
                try await writer.finish(nil)
            } catch {
                await body.abandon()
                reading.cancel()
                throw error
            }
        })
    }
}
