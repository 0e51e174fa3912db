import Foundation
import Recording
import SFU
import Settings

/// The core's settings as the media plane and the recording service take
/// them, read from one configuration (used by the executable and by tests
/// that assemble a core the same way).
extension ParleyConfiguration {
    /// `[media]` for the media node.
    public var mediaConfiguration: MediaConfiguration {
        var c = MediaConfiguration(host: media.address.host, port: media.address.port,
                                   publicAddress: media.publicAddress.isEmpty ? nil : media.publicAddress,
                                   preferH264: media.preferH264,
                                   tcp: media.tcp, maximumTCPConnections: media.tcpMaxConnections,
                                   loopCapacity: media.loopCapacity)
        c.pipeAddress = media.pipeAddress.isEmpty ? nil : media.pipeAddress
        c.udpSegmentation = media.udpSegmentation
        return c
    }

    /// `[recording]` and the data directory for the recording service.
    public var recordingSettings: RecordingSettings {
        RecordingSettings(
            directory: URL(fileURLWithPath: recordingDirectory, isDirectory: true),
            ffmpeg: recording.ffmpeg, font: recording.font, cjkFont: recording.cjkFont,
            compositeJobs: recording.compositeJobs, compositeThreads: recording.compositeThreads,
            maxRecordings: recording.maxRecordings,
            minFreeBytes: Int64(recording.minFreeMegabytes) * 1_000_000)
    }
}
