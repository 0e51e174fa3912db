import NIOCore

/// Hands a streamed body from the task that reads it off another node to
/// the task that writes it to the browser, one chunk at a time: the reader
/// waits until its chunk is taken, so a slow browser slows the read (and,
/// through TCP, the other node) instead of filling this node's memory.
actor BodyHandOver {
    private var chunk: ByteBuffer?
    private var ended = false
    private var failed = false
    /// The reader, waiting for its chunk to be taken (true) or abandoned (false).
    private var reader: CheckedContinuation<Bool, Never>?
    /// The writer, waiting for a chunk (nil: the body ended).
    private var writer: CheckedContinuation<ByteBuffer?, any Error>?

    /// When the writer last took a chunk (or the hand-over began).
    private var lastTaken = ContinuousClock.now

    struct Failed: Error {}

    /// Whether the body is over, or its writer has taken nothing for
    /// `limit` (a browser that went away before its body began to be
    /// written never comes to take it): then the reader is let go.
    func isStuck(after limit: Duration) -> Bool {
        guard !ended else { return true }
        guard ContinuousClock.now - lastTaken >= limit else { return false }
        abandon()
        return true
    }

    /// Offers a chunk; returns once it is taken (true) or the writer gave up (false).
    func put(_ buffer: ByteBuffer) async -> Bool {
        guard !ended else { return false }
        if let writer {
            self.writer = nil
            writer.resume(returning: buffer)
            return true
        }
        chunk = buffer
        return await withCheckedContinuation { reader = $0 }
    }

    /// The next chunk; nil at the end of the body. Throws when the read failed midway.
    func take() async throws -> ByteBuffer? {
        lastTaken = .now
        if let chunk {
            self.chunk = nil
            reader?.resume(returning: true)
            reader = nil
            return chunk
        }
        if failed { throw Failed() }
        if ended { return nil }
        return try await withCheckedThrowingContinuation { writer = $0 }
    }

    /// The body ended (or, with `failed`, broke off).
    func finish(failed: Bool = false) {
        guard !ended else { return }
        ended = true
        self.failed = failed
        if let writer {
            self.writer = nil
            if failed { writer.resume(throwing: Failed()) } else { writer.resume(returning: nil) }
        }
    }

    /// The writer gave up (the browser went away), or nobody came: the
    /// reader stops, and a writer that comes later fails rather than end a
    /// body short.
    func abandon() {
        ended = true
        failed = true
        chunk = nil
        reader?.resume(returning: false)
        reader = nil
    }
}
