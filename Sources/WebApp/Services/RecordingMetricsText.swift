import Recording

/// The recording service's figures in Prometheus text format, for `/metrics`.
enum RecordingMetricsText {
    static func render(_ recordings: RecordingService) async -> String {
        let s = await recordings.statistics()
        var out = ""
        func metric(_ name: String, _ type: String, _ help: String, _ values: [(String, Double)]) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
            for (labels, value) in values { out += "\(name)\(labels) \(value)\n" }
        }
        metric("parley_recordings_capturing", "gauge", "Meetings being recorded now.", [("", Double(s.capturing))])
        metric("parley_recording_composites", "gauge", "Composite jobs by state.",
               [("{state=\"waiting\"}", Double(s.compositesWaiting)), ("{state=\"running\"}", Double(s.compositesRunning))])
        metric("parley_recording_composites_total", "counter", "Composite jobs finished, by result.",
               [("{result=\"ready\"}", Double(s.compositesReady)), ("{result=\"failed\"}", Double(s.compositesFailed))])
        metric("parley_recording_composite_seconds_total", "counter", "Time spent compositing.", [("", s.compositeSeconds)])
        metric("parley_recording_composited_meeting_seconds_total", "counter", "Meeting time composited.",
               [("", s.compositedMeetingSeconds)])
        return out
    }
}
