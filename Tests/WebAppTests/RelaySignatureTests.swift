import Foundation
import Testing
@testable import WebApp

/// The mark one node puts on a request it sends another: only a node with
/// the cluster's secret can make one, for that request, for a minute.
struct RelaySignatureTests {
    let signature = RelaySignature(secret: Data("the cluster's join-token key".utf8))

    @Test func aSignedRequestNamesItsNode() {
        let value = signature.value(node: "alpha", method: "GET", path: "/api/v1/signal", now: 1_000)
        #expect(signature.verify(value, method: "GET", path: "/api/v1/signal", now: 1_000) == "alpha")
        #expect(signature.verify(value, method: "GET", path: "/api/v1/signal", now: 1_059) == "alpha", "a clock a little ahead")
    }

    @Test func anythingElseIsRefused() {
        let value = signature.value(node: "alpha", method: "POST", path: "/api/v1/leave", now: 1_000)
        #expect(signature.verify("alpha", method: "POST", path: "/api/v1/leave", now: 1_000) == nil, "a bare node name")
        #expect(signature.verify(value, method: "POST", path: "/api/v1/meetings/x/recording", now: 1_000) == nil, "another path")
        #expect(signature.verify(value, method: "GET", path: "/api/v1/leave", now: 1_000) == nil, "another method")
        #expect(signature.verify(value, method: "POST", path: "/api/v1/leave", now: 1_061) == nil, "too old")
        #expect(signature.verify(value.replacingOccurrences(of: "alpha", with: "gamma"), method: "POST",
                                 path: "/api/v1/leave", now: 1_000) == nil, "another name")
        let other = RelaySignature(secret: Data("another cluster".utf8))
        #expect(other.verify(value, method: "POST", path: "/api/v1/leave", now: 1_000) == nil, "another cluster's key")
        #expect(signature.verify("alpha;1000;zz", method: "POST", path: "/api/v1/leave", now: 1_000) == nil)
        #expect(signature.verify(";;", method: "POST", path: "/api/v1/leave", now: 1_000) == nil)
    }

    @Test func aNameCannotForgeTheSeparator() {
        let value = signature.value(node: "al;pha\r\n", method: "GET", path: "/p", now: 5)
        #expect(signature.verify(value, method: "GET", path: "/p", now: 5) == "alpha")
    }
}
