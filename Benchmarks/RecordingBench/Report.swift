import Foundation

/// How the benchmark prints: a line per measurement as it comes, and the
/// summary tables at the end.
enum Report {
    static func line(_ text: String) {
        // One write(2) per line: the figures show up at once even through a pipe.
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    static func f(_ value: Double, _ digits: Int = 1) -> String {
        String(format: "%.\(digits)f", value)
    }

    /// The machine and its load, so runs can be compared.
    static func machine() -> String {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
        let memory = Double(ProcessInfo.processInfo.physicalMemory) / 1_073_741_824
        return "\(cores) cores, \(f(memory)) GiB, load average \(load)"
    }

    static func composite(_ r: CompositeBench.Result) -> String {
        let who = "\(r.participants) participants" + (r.screenShare ? " + screen" : "")
        return String(format: "%-26@ %3d tracks  composite %6.1f s  ratio %.2f  ffmpeg CPU %6.1f s (%3.0f %%)  MP4 %6.1f MB, %.1f s  (tracks written in %.1f s)",
                      who as NSString, r.tracks, r.compositeSeconds, r.ratio, r.ffmpegCPUSeconds,
                      r.ffmpegCPUSeconds / r.compositeSeconds * 100, Double(r.mp4Bytes) / 1e6, r.mp4Seconds, r.captureSeconds)
    }

    static func capture(_ r: CaptureBench.Result, passes: Bool) -> String {
        var text = String(format: "%3d rooms %4d tracks  CPU %5.1f %% (publishers alone %5.1f %%)  %6.0f pkt/s %5.1f Mb/s in  %5.2f MB/s written  lost/dropped %.3f %% (%d of %d)  drain %.1f s  pacer late ≤ %.0f ms  RSS %.0f MiB  %@",
                              r.rooms, r.tracks, r.recordingCPU, r.baselineCPU, r.packetsPerSecond, r.megabitsPerSecond,
                              r.writtenMegabytesPerSecond, r.lostPercent, r.unitsSent - r.unitsWritten, r.unitsSent,
                              r.drainSeconds, r.recordingLatenessMs, r.residentMiB, (passes ? "ok" : "over the limit") as NSString)
        text += String(format: "\n          busiest thread %@ %.0f %%; packets sent %d, received by the recorders %d; frames dropped %d, packets lost %d; worst track %@",
                       r.busiestThread as NSString, r.busiestThreadCPU, r.packetsSent, r.packetsReceived, r.framesDropped, r.packetsLost, r.worstTrack as NSString)
        if r.tracksMissing > 0 { text += "\n          \(r.tracksMissing) tracks were never opened by the recorder" }
        for problem in r.problems.prefix(5) { text += "\n          logged: \(problem)" }
        return text
    }

    static func summary(composites: [CompositeBench.Result], captures: [(CaptureBench.Result, Bool)],
                        capacity: Int?, limits: String, load: String) {
        line("")
        line("Summary (\(load))")
        if !composites.isEmpty {
            line("")
            line("  composite (CompositeJob defaults: x264 veryfast crf 23, 2 threads, nice 10; 1280x720 25 fps)")
            line("  participants          meeting   composite   ratio   ffmpeg CPU   MP4")
            for r in composites {
                let who = "\(r.participants)" + (r.screenShare ? " + screen share" : "")
                line(String(format: "  %-20@ %6.0f s   %7.1f s   %5.2f   %8.1f s   %5.1f MB",
                            who as NSString, r.meetingSeconds, r.compositeSeconds, r.ratio, r.ffmpegCPUSeconds, Double(r.mp4Bytes) / 1e6))
            }
        }
        if !captures.isEmpty {
            line("")
            line("  capture (4 publishers per room: VP8 640x360 30 fps ~600 kb/s + Opus 50 pkt/s; CPU: 100 % = one core)")
            line("  rooms  tracks   CPU recording   publishers alone   recording's share   per room   busiest thread   written MB/s   lost/dropped   drain")
            for (r, passes) in captures {
                line(String(format: "  %5d  %6d   %11.1f %%   %14.1f %%   %15.1f %%   %6.2f %%   %12.0f %%   %12.2f   %10.3f %%   %4.1f s %@",
                            r.rooms, r.tracks, r.recordingCPU, r.baselineCPU, r.recordingCost, r.recordingCost / Double(r.rooms),
                            r.busiestThreadCPU, r.writtenMegabytesPerSecond, r.lostPercent, r.drainSeconds, (passes ? "" : " ✗") as NSString))
            }
            line("")
            if let capacity {
                line("  capacity: \(capacity) meetings recorded at once (\(limits))")
            } else {
                line("  capacity: not even one meeting within \(limits)")
            }
        }
        line("")
        line("Reproduce: make bench-recording   (or: swift build -c release --product RecordingBench --scratch-path .build-release && .build-release/release/RecordingBench --help)")
    }
}
