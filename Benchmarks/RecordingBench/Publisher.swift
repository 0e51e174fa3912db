import Foundation
import NIOCore
import SFU
import Synchronization

/// One participant sending a camera (pre-encoded VP8 frames, looped) and a
/// microphone (Opus, 50 packets a second) into a room through its local
/// transport, as a browser would through its peer connection.
///
/// The sending state belongs to the one pacing thread that drives it; the
/// counters are atomics so the benchmark can read them from anywhere.
final class Publisher: @unchecked Sendable {
    let transport: LocalTransportHandle
    let cameraID: String
    let micID: String
    private let camera: MediaClips.Video
    private let voice: [[UInt8]]

    // Owned by the pacing thread.
    private var video: RTPPacketizer
    private var audio: RTPPacketizer
    private var videoIndex = 0
    private var audioIndex = 0
    /// When the next frame and the next voice packet are due, seconds on the pool's clock.
    private var nextVideo = 0.0
    private var nextAudio = 0.0
    private let videoBase = UInt32.random(in: 0...UInt32.max)
    private let audioBase = UInt32.random(in: 0...UInt32.max)

    let framesSent = Atomic<Int>(0)
    let videoPacketsSent = Atomic<Int>(0)
    let audioPacketsSent = Atomic<Int>(0)
    let bytesSent = Atomic<Int>(0)

    init(transport: LocalTransportHandle, cameraID: String, micID: String, camera: MediaClips.Video, voice: [[UInt8]]) {
        self.transport = transport
        self.cameraID = cameraID
        self.micID = micID
        self.camera = camera
        self.voice = voice
        video = RTPPacketizer(payloadType: 96, ssrc: UInt32.random(in: 1...UInt32.max))
        audio = RTPPacketizer(payloadType: 111, ssrc: UInt32.random(in: 1...UInt32.max))
        videoIndex = Int.random(in: 0..<camera.frames.count)
        audioIndex = Int.random(in: 0..<voice.count)
    }

    /// Starts (again) at `now`: the camera from its next keyframe, because a
    /// local publisher cannot be asked for one (the SFU has nowhere to send a
    /// PLI on a local transport) and a new consumer forwards nothing before one.
    /// Each stream gets a random phase so that publishers do not all send at once.
    func resume(at now: Double) {
        videoIndex = camera.keyframe(atOrAfter: videoIndex)
        nextVideo = now + Double.random(in: 0..<(1 / camera.frameRate))
        nextAudio = now + Double.random(in: 0..<0.02)
    }

    /// Sends what is due at `now` in one batch; returns how late the most
    /// overdue packet was (seconds) and when the next one is due.
    func send(now: Double) -> (lateness: Double, next: Double) {
        var batch: [(producerID: String, packet: ByteBuffer)] = []
        var lateness = 0.0
        var bytes = 0
        while nextVideo <= now {
            lateness = max(lateness, now - nextVideo)
            // RTP time follows the schedule, not the moment of sending, as a capture clock would.
            let timestamp = videoBase &+ UInt32(truncatingIfNeeded: Int64((nextVideo * 90000).rounded()))
            let packets = video.vp8(frame: camera.frames[videoIndex], timestamp: timestamp)
            for packet in packets {
                batch.append((cameraID, ByteBuffer(bytes: packet)))
                bytes += packet.count
            }
            framesSent.add(1, ordering: .relaxed)
            videoPacketsSent.add(packets.count, ordering: .relaxed)
            videoIndex = (videoIndex + 1) % camera.frames.count
            nextVideo += 1 / camera.frameRate
        }
        while nextAudio <= now {
            lateness = max(lateness, now - nextAudio)
            let timestamp = audioBase &+ UInt32(truncatingIfNeeded: Int64((nextAudio * 48000).rounded()))
            let packet = audio.opus(voice[audioIndex], timestamp: timestamp)
            batch.append((micID, ByteBuffer(bytes: packet)))
            bytes += packet.count
            audioPacketsSent.add(1, ordering: .relaxed)
            audioIndex = (audioIndex + 1) % voice.count
            nextAudio += 0.02
        }
        if !batch.isEmpty {
            transport.send(batch)
            bytesSent.add(bytes, ordering: .relaxed)
        }
        return (lateness, min(nextVideo, nextAudio))
    }

    /// What it sent so far.
    var sent: SentCounts {
        SentCounts(frames: framesSent.load(ordering: .relaxed), videoPackets: videoPacketsSent.load(ordering: .relaxed),
                   audioPackets: audioPacketsSent.load(ordering: .relaxed), bytes: bytesSent.load(ordering: .relaxed))
    }
}

/// Counts of what publishers sent.
struct SentCounts: Sendable {
    var frames = 0
    var videoPackets = 0
    var audioPackets = 0
    var bytes = 0

    static func - (a: SentCounts, b: SentCounts) -> SentCounts {
        SentCounts(frames: a.frames - b.frames, videoPackets: a.videoPackets - b.videoPackets,
                   audioPackets: a.audioPackets - b.audioPackets, bytes: a.bytes - b.bytes)
    }

    static func + (a: SentCounts, b: SentCounts) -> SentCounts {
        SentCounts(frames: a.frames + b.frames, videoPackets: a.videoPackets + b.videoPackets,
                   audioPackets: a.audioPackets + b.audioPackets, bytes: a.bytes + b.bytes)
    }

    var packets: Int { videoPackets + audioPackets }
}
