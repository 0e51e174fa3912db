import Foundation
import Testing
@testable import Recording

/// Real Opus from ffmpeg, one packet per RTP payload (RFC 7587), through
/// `TrackWriter` into WebM.
@Suite struct TrackWriterAudioTests {
    @Test func opusStreamBecomesAPlayableWebM() async throws {
        try await withTemporaryDirectory { directory in
            let packets = try await MediaFixtures.opusPackets(in: directory, seconds: 12, frequency: 440)
            #expect(packets.count >= 600)
            var packetizer = TestPacketizer(payloadType: 111)
            let stream = TestStreams.opus(packets, start: 7.0, packetizer: &packetizer)
            let file = directory.appendingPathComponent("microphone.webm")
            let writer = try TrackWriter(file: file, codec: .opus, options: .init(payloadType: 111))
            let actions = feed(writer, stream)
            writer.close()

            #expect(actions.isEmpty, "audio never asks for keyframes")
            #expect(writer.framesWritten == packets.count)
            #expect(writer.firstTimestamp == 7.0)
            #expect(writer.width == 0)

            let scan = try MatroskaScan(file: file, keepBlocks: true)
            #expect(scan.docType == "webm" && scan.codecID == "A_OPUS" && scan.trackCount == 1)
            #expect(scan.tracks.first?.codecPrivate?.prefix(8).elementsEqual("OpusHead".utf8) == true)
            #expect(scan.tracks.first?.codecDelay == 6_500_000)
            #expect(scan.blockCount == packets.count && scan.keyframeCount == packets.count, "every audio block is a keyframe")
            let written = try fileBytes(file)
            #expect(scan.blocks.map { Array(written[$0.data]) } == packets, "blocks hold the packets unchanged")
            // About 5 s per cluster: 12 s of audio makes 3 clusters.
            let bytes = try fileBytes(file)
            let clusterID: [UInt8] = [0x1F, 0x43, 0xB6, 0x75]
            let clusters = (0..<bytes.count - 3).filter { bytes[$0..<$0 + 4].elementsEqual(clusterID) }
            #expect(clusters.count == 3)

            let streams = try await Tool.streams(file)
            #expect(streams.count == 1 && streams.first?.codec == "opus" && streams.first?.frames == packets.count)
            let times = try await Tool.packets(file)
            #expect(abs((times.first?.time ?? 0) - 7.0) < 0.008, "first packet at 7 s less at most the 6.5 ms codec delay")
            await #expect(try Tool.decodeErrors(file) == "")
            let samples = try await Tool.decodeAudio(file)
            let decoded: Double = Double(samples.count) / 48000
            let sent: Double = Double(packets.count) * 0.02
            #expect(abs(decoded - sent) < 0.03, "decoded \(decoded) s of \(sent) s")
            let frequency = toneFrequency(samples[48000..<96000])
            #expect(abs(frequency - 440) < 5, "tone at \(frequency) Hz")
        }
    }
}
