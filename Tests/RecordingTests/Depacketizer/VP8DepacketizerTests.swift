import Testing
@testable import Recording

/// RFC 7741 §4 payloads built by hand.
@Suite struct VP8DepacketizerTests {
    /// A 10-byte key frame header (RFC 6386 §9.1): tag with P = 0, first
    /// partition size 2, then 9d 01 2a and 640 × 480, then 2 bytes of partition.
    static let keyframe: [UInt8] = [0x50, 0x00, 0x00, 0x9D, 0x01, 0x2A, 0x80, 0x02, 0xE0, 0x01, 0xAA, 0xBB]
    /// An inter frame: P = 1, first partition size 1.
    static let interframe: [UInt8] = [0x31, 0x00, 0x00, 0xCC, 0xDD]

    @Test func descriptorsOfEveryShapeAreStripped() throws {
        let depacketizer = VP8Depacketizer()
        let variants: [[UInt8]] = [
            [0x10], // S, PID 0, no X
            [0x90, 0x80, 0x05], // X, I with a 7-bit picture ID
            [0x90, 0x80, 0x81, 0x23], // 15-bit picture ID
            [0x90, 0xF0, 0x81, 0x23, 0x07, 0x65], // I, L, T, K
            [0x90, 0x40, 0x07], // L only
            [0x90, 0x10, 0x1F], // K only
            [0xB0, 0x20, 0x40], // N, T only
        ]
        for descriptor in variants {
            let frame = try depacketizer.frame(from: [descriptor + Self.keyframe.prefix(6), [descriptor[0] & ~0x10] + Array(descriptor.dropFirst()) + Self.keyframe.dropFirst(6)])
            #expect(frame.data == Self.keyframe)
            #expect(frame.isKeyframe && frame.width == 640 && frame.height == 480)
        }
        let inter = try depacketizer.frame(from: [[0x10] + Self.interframe])
        #expect(!inter.isKeyframe && inter.width == nil && inter.data == Self.interframe)
    }

    @Test func framesThatCannotBeWholeAreRejected() {
        let depacketizer = VP8Depacketizer()
        #expect(throws: DepacketizerError.empty) { try depacketizer.frame(from: []) }
        #expect(throws: DepacketizerError.missingStart) { try depacketizer.frame(from: [[0x00] + Self.interframe]) }
        #expect(throws: DepacketizerError.missingStart, "S but partition 1") { try depacketizer.frame(from: [[0x11] + Self.interframe]) }
        #expect(throws: DepacketizerError.malformed, "two frame starts") {
            try depacketizer.frame(from: [[0x10] + Self.interframe, [0x10] + Self.interframe])
        }
        #expect(throws: DepacketizerError.malformed, "X announces a picture ID that is missing") {
            try depacketizer.frame(from: [[0x90, 0x80]])
        }
        #expect(throws: DepacketizerError.incomplete, "first partition longer than the data") {
            try depacketizer.frame(from: [[0x10] + Self.keyframe.dropLast()])
        }
        #expect(throws: DepacketizerError.malformed, "bad start code") {
            try depacketizer.frame(from: [[0x10, 0x50, 0x00, 0x00, 0x9D, 0x01, 0x2B, 0x80, 0x02, 0xE0, 0x01, 0xAA, 0xBB]])
        }
        #expect(throws: DepacketizerError.incomplete) { try depacketizer.frame(from: [[0x10, 0x31]]) }
    }

    @Test func partitionsAfterTheFirstAreKeptInOrder() throws {
        // Partition 1 starts in the second packet (S = 1, PID = 1), as with
        // partitioned VP8 (RFC 7741 §4.4).
        let frame = try VP8Depacketizer().frame(from: [[0x10] + Self.interframe.prefix(4), [0x00, 0xDD], [0x11, 0xEE, 0xFF]])
        #expect(frame.data == Self.interframe + [0xEE, 0xFF])
    }
}
