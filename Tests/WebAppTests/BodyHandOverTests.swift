import NIOCore
import Testing
@testable import WebApp

/// The hand-over of a streamed body from another node to the browser: one
/// chunk at a time, in order; a writer that goes away frees the reader, and
/// a body nobody comes for is let go.
struct BodyHandOverTests {
    @Test func chunksPassInOrderAndTheEndIsSeen() async throws {
        let body = BodyHandOver()
        let reader = Task {
            for i in 0..<5 { guard await body.put(ByteBuffer(bytes: [UInt8(i)])) else { return false } }
            await body.finish()
            return true
        }
        var got: [UInt8] = []
        while let chunk = try await body.take() { got += chunk.readableBytesView }
        #expect(got == [0, 1, 2, 3, 4])
        #expect(await reader.value)
    }

    @Test func aWriterThatLeavesFreesTheReader() async throws {
        let body = BodyHandOver()
        let reader = Task { await body.put(ByteBuffer(bytes: [1])) }
        try await Task.sleep(for: .milliseconds(20))
        await body.abandon()
        #expect(await reader.value == false, "the reader was not let go")
        #expect(await body.put(ByteBuffer(bytes: [2])) == false)
    }

    @Test func aBrokenReadFailsTheWriter() async throws {
        let body = BodyHandOver()
        await body.finish(failed: true)
        await #expect(throws: BodyHandOver.Failed.self) { _ = try await body.take() }
    }

    @Test func aBodyNobodyTakesIsLetGo() async throws {
        let body = BodyHandOver()
        let reader = Task { await body.put(ByteBuffer(bytes: [1])) }
        #expect(await body.isStuck(after: .seconds(60)) == false)
        try await Task.sleep(for: .milliseconds(30))
        #expect(await body.isStuck(after: .milliseconds(20)))
        #expect(await reader.value == false)
        await #expect(throws: BodyHandOver.Failed.self) { _ = try await body.take() }
    }
}
