import Foundation

/// The benchmark's flags. Defaults keep a full run under about ten minutes on a 2-core machine.
struct BenchOptions {
    /// Length of the composited meeting, seconds.
    var meetingSeconds = 60.0
    /// Participants per composited meeting.
    var sizes = [2, 4, 8]
    /// Meetings recorded at once, tried in order until capacity is exceeded.
    var roomCounts = [1, 2, 4, 8, 16, 32, 64, 96, 128, 160, 192]
    var capture = CaptureBench.Options()
    /// Capacity: process CPU below this (100 = one core)...
    var maximumCPU = 160.0
    /// ...and frames lost or dropped below this share, percent.
    var maximumLoss = 0.1
    var runComposite = true
    var runCapture = true
    /// Where to copy each composited MP4 (to look at it); nil keeps nothing.
    var keepDirectory: URL?

    static let usage = """
    RecordingBench: what recording costs on this machine (prints figures, asserts nothing).

      --meeting-seconds S   composited meeting length (60)
      --sizes 2,4,8         participants per composited meeting; 8 and more add a screen share in the middle third
      --rooms 1,2,4,...     meetings recorded at once, tried until one breaks (1,2,4,8,16,32,64,96,128,160,192)
      --window S            measured seconds while recording (15)
      --baseline-window S   measured seconds of the publishers alone (10)
      --warmup S            seconds before each measurement (2)
      --pacing-threads N    threads sending the publishers' packets (4)
      --max-cpu P           capacity: process CPU under P % (160; 200 = both cores of 2)
      --max-loss P          capacity: frames lost or dropped under P % (0.1)
      --no-composite        skip part 1
      --no-capture          skip part 2
      --keep DIR            copy each composited MP4 into DIR
    """

    /// Parses `arguments` (without the program name); nil after `--help`.
    static func parse(_ arguments: [String]) throws -> BenchOptions? {
        var options = BenchOptions()
        var rest = arguments[...]
        func value(_ flag: String) throws -> String {
            guard let v = rest.popFirst() else { throw FFmpeg.Failure(message: "\(flag) needs a value") }
            return v
        }
        func number(_ flag: String) throws -> Double {
            guard let d = Double(try value(flag)), d > 0 else { throw FFmpeg.Failure(message: "\(flag) needs a positive number") }
            return d
        }
        func list(_ flag: String) throws -> [Int] {
            let items = try value(flag).split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !items.isEmpty, items.allSatisfy({ ($0 ?? 0) > 0 }) else { throw FFmpeg.Failure(message: "\(flag) needs numbers like 1,2,4") }
            return items.compactMap { $0 }
        }
        while let flag = rest.popFirst() {
            switch flag {
            case "--meeting-seconds": options.meetingSeconds = try number(flag)
            case "--sizes": options.sizes = try list(flag)
            case "--rooms": options.roomCounts = try list(flag)
            case "--window": options.capture.window = try number(flag)
            case "--baseline-window": options.capture.baselineWindow = try number(flag)
            case "--warmup": options.capture.warmup = try number(flag)
            case "--pacing-threads": options.capture.pacingThreads = Int(try number(flag))
            case "--max-cpu": options.maximumCPU = try number(flag)
            case "--max-loss": options.maximumLoss = try number(flag)
            case "--no-composite": options.runComposite = false
            case "--no-capture": options.runCapture = false
            case "--keep": options.keepDirectory = URL(fileURLWithPath: try value(flag), isDirectory: true)
            case "--help", "-h": return nil
            default: throw FFmpeg.Failure(message: "unknown option \(flag) (see --help)")
            }
        }
        return options
    }
}
