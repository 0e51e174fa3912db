import Foundation
import Testing
@testable import Recording

@Suite("CompositeCommand")
struct CompositeCommandTests {
    let recording = URL(fileURLWithPath: "/srv/parley/recordings/r1")
    let work = URL(fileURLWithPath: "/tmp/parley-composite-work")
    let output = URL(fileURLWithPath: "/srv/parley/recordings/r1/output.partial.mp4")

    func command(_ manifest: RecordingManifest) throws -> CompositeCommand {
        try CompositeCommand(manifest: manifest, layout: CompositeLayout(manifest: manifest),
                             recordingDirectory: recording, workDirectory: work, output: output)
    }

    static let hostileNames = [
        "O'Brien: \"Mc\" [host]",
        "a,b;c=d\\e%{pts}%%",
        "firstline\nsecondline\r\n\tTabbed",
        "[vout]overlay;movie=/etc/passwd",
        "Zoë 👩🏽‍💻 李",
        "'; drawtext=text=pwned",
    ]

    @Test(arguments: hostileNames)
    func filterTextNeverContainsAName(name: String) throws {
        var manifest = ManifestFixture.meeting(3)
        manifest.participants[0].displayName = name
        manifest.participants[2].displayName = name
        manifest.participants[2].role = "phone"
        manifest.tracks.removeAll { $0.id == "cam-p2" }
        manifest.tracks.append(ManifestFixture.screen("p0", live: [(4, 6)]))
        let command = try command(manifest)
        let everything = command.filterScript + "\n" + command.arguments.joined(separator: "\n")
        // No piece of the name long enough to mean anything reaches ffmpeg's parser.
        #expect(!everything.contains(name))
        for piece in name.split(whereSeparator: { $0.isWhitespace }) where piece.count >= 4 {
            #expect(!everything.contains(piece), "\(piece) leaked into the filter or arguments")
        }
        let labels = command.workFiles.filter { $0.url.lastPathComponent.hasPrefix("label-") }.map(\.contents)
        #expect(labels.contains(CompositeCommand.drawableName(name)))
        #expect(labels.allSatisfy { !$0.contains("\n") && !$0.contains("\r") && !$0.contains("\t") })
        #expect(command.filterScript.contains("expansion=none"))
        #expect(!command.filterScript.contains("text='"), "only textfile=, never inline text")
    }

    @Test func drawableNamesAreOneTidyLine() {
        #expect(CompositeCommand.drawableName("  Ann\n\tLee  ") == "Ann Lee")
        #expect(CompositeCommand.drawableName("\u{2028}\u{0}\n") == "Participant")
        #expect(CompositeCommand.drawableName("Zoë 👩🏽‍💻") == "Zoë 👩🏽‍💻")
        #expect(CompositeCommand.fitted(String(repeating: "W", count: 200), width: 248, fontSize: 12).hasSuffix("…"))
        #expect(CompositeCommand.fitted("Ann", width: 248, fontSize: 12) == "Ann")
    }

    /// Each label is drawn with a font that has its characters: CJK and
    /// Hangul names with the CJK font, everything else with DejaVu Sans.
    @Test func cjkNamesAreDrawnWithTheCJKFont() throws {
        let cjk = "/fonts/cjk.ttc", latin = "/fonts/latin.ttf"
        try withTemporaryDirectory { directory in
            let cjkFile = directory.appendingPathComponent("cjk.ttc")
            try Data().write(to: cjkFile)
            var manifest = ManifestFixture.meeting(3)
            manifest.participants[0].displayName = "Ann Lee"
            manifest.participants[1].displayName = "王小明 (Wang)"
            manifest.participants[2].displayName = "김민준"
            let command = try CompositeCommand(manifest: manifest, layout: CompositeLayout(manifest: manifest),
                                               recordingDirectory: recording, workDirectory: work, output: output,
                                               fontFile: latin, cjkFontFile: cjkFile.path)
            let drawtexts = command.filterScript.components(separatedBy: "drawtext=").dropFirst()
            #expect(drawtexts.count == 3)
            #expect(drawtexts.filter { $0.hasPrefix("fontfile=\(cjkFile.path):") }.count == 2, "\(drawtexts)")
            #expect(drawtexts.filter { $0.hasPrefix("fontfile=\(latin):") }.count == 1)
            // Without the CJK font installed, the main font draws everything.
            let without = try CompositeCommand(manifest: manifest, layout: CompositeLayout(manifest: manifest),
                                               recordingDirectory: recording, workDirectory: work, output: output,
                                               fontFile: latin, cjkFontFile: cjk)
            #expect(!without.filterScript.contains(cjk))
        }
        #expect(CompositeCommand.needsCJKFont("こんにちは") && CompositeCommand.needsCJKFont("ＡＢＣ"))
        #expect(!CompositeCommand.needsCJKFont("Zoë Ωmega Дмитрий"))
    }

    @Test func argumentsPlaceTracksOnTheirOwnTimestamps() throws {
        let command = try command(ManifestFixture.meeting(2))
        let arguments = command.arguments
        #expect(arguments.contains("-copyts"))
        #expect(command.inputs.map(\.trackID) == ["cam-p0", "cam-p1", "mic-p0", "mic-p1"], "video inputs first")
        #expect(command.inputs[0].url.path == "/srv/parley/recordings/r1/tracks/cam-p0.webm")
        #expect(arguments.filter { $0 == "-i" }.count == 4)
        #expect(arguments.contains("file:/srv/parley/recordings/r1/tracks/mic-p1.webm"))
        #expect(arguments.suffix(1) == ["file:" + output.path])
        for expected in [["-t", "10.000000"], ["-c:v", "libx264"], ["-preset", "veryfast"], ["-crf", "23"],
                         ["-pix_fmt", "yuv420p"], ["-c:a", "aac"], ["-b:a", "128k"], ["-ar", "48000"], ["-ac", "2"],
                         ["-movflags", "+faststart"], ["-progress", "pipe:1"], ["-filter_complex_threads", "2"],
                         ["-filter_complex_script", "file:/tmp/parley-composite-work/filter.txt"]] {
            #expect(arguments.indices.contains { arguments[$0...].starts(with: expected) }, "\(expected)")
        }
        #expect(command.filterScript.components(separatedBy: ",scale@").count - 1 == 2, "one scale per camera")
        let resize = try #require(command.workFiles.first { $0.url.lastPathComponent == "track-1.cmd" })
        #expect(resize.contents == "0.000000-9.980000 [enter] scale@t1 w 632, [enter] scale@t1 h 712;\n")
        #expect(command.filterScript.contains("sendcmd=f=/tmp/parley-composite-work/track-1.cmd"))
        #expect(command.filterScript.contains("amix=inputs=2:normalize=0"))
        #expect(command.filterScript.contains("aresample=async=1"))
        #expect(command.workFiles.first?.url.lastPathComponent == "filter.txt")
        #expect(command.workFiles.first?.contents == command.filterScript)
    }

    @Test func noAudioGivesASilentTrackAndNoVideoGivesNameTiles() throws {
        let manifest = RecordingManifest(duration: 2, participants: [ManifestFixture.person("t", role: "phone", to: 2)],
                                         tracks: [])
        let command = try command(manifest)
        #expect(command.inputs.isEmpty)
        #expect(command.filterScript.contains("anullsrc=r=48000:cl=stereo,atrim=end=2.000000[aout]"))
        #expect(command.filterScript.contains("drawbox=x=4:y=4:w=1272:h=712"), "a name tile")
        #expect(!command.filterScript.contains("nlayer"), "no corner names, no top layer")
        #expect(command.workFiles.map(\.contents).contains("phone"))
    }

    @Test func audioOutsideItsLiveSpansIsMuted() throws {
        var manifest = ManifestFixture.meeting(1)
        manifest.tracks[1] = ManifestFixture.microphone("p0", live: [(1, 4), (3.5, 6)])
        let command = try command(manifest)
        #expect(command.filterScript.contains(
            "volume=volume=0:enable='gte(t,0.000000)*lt(t,1.000000)+gte(t,6.000000)'"))
        #expect(CompositeCommand.mutedSpans(of: ManifestFixture.microphone("x", live: [(0, 10)]), duration: 10).isEmpty)
    }

    @Test func tracksThatAreNeverShownOrLiveAreNotInputs() throws {
        var manifest = ManifestFixture.meeting(1)
        manifest.tracks.append(ManifestFixture.microphone("p0", live: [], id: "mic-silent"))
        manifest.tracks.append(ManifestFixture.camera("p0", live: [(20, 30)], id: "cam-late"))
        #expect(try command(manifest).inputs.map(\.trackID) == ["cam-p0", "mic-p0"])
    }

    @Test func manyParticipantsAndSegmentsStayOutOfTheArgumentList() throws {
        // 12 people coming and going every few seconds over ten minutes.
        var manifest = ManifestFixture.meeting(12, duration: 600)
        for index in 0..<12 {
            let spans = stride(from: Double(index), to: 600, by: 20).map { ($0, $0 + 13) }
            manifest.tracks[index * 2] = ManifestFixture.camera("p\(index)", live: spans)
        }
        let command = try command(manifest)
        #expect(command.layout.segments.count > 100)
        #expect(command.arguments.count <= 40 + 6 * command.inputs.count, "the graph goes in a script file, not argv")
        #expect(command.arguments.joined(separator: " ").utf8.count < 8000)
        let script = command.filterScript
        // The graph grows with people, not segments: a filter per track and per name, segments
        // only as time windows inside their expressions.
        #expect(script.components(separatedBy: ";\n").count <= 12 * 3 + 3)
        #expect(script.components(separatedBy: ",scale@").count - 1 == 12)
        #expect(script.components(separatedBy: ",fps=").count - 1 == 0)
        #expect(script.components(separatedBy: "]fps=").count - 1 == 12)
        let labelImages = script.components(separatedBy: "drawtext=").count - 1
        #expect(labelImages <= 12 * 3, "one label image per name and size, not per segment")
    }

    @Test func trackPathsMustStayInsideTheRecording() {
        for file in ["/etc/passwd", "../other/tracks/a.webm", "tracks/../../x.webm", "", "./a.webm"] {
            var manifest = ManifestFixture.meeting(1)
            manifest.tracks[1].file = file
            #expect(throws: CompositeError.invalidTrackPath(trackID: "mic-p0", file: file)) {
                _ = try command(manifest)
            }
        }
    }

    @Test func durationMustBePositive() {
        for duration in [0, -3, .nan, .infinity] {
            let manifest = RecordingManifest(duration: duration, participants: [], tracks: [])
            #expect(throws: CompositeError.self) { _ = try command(manifest) }
        }
    }

    @Test func escapingCoversBothFilterLevels() {
        #expect(FilterEscaping.optionValue("/a b/c.txt") == "/a b/c.txt")
        #expect(FilterEscaping.optionValue("x:y") == "x\\\\:y")
        #expect(FilterEscaping.optionValue("it's") == "it\\\\\\'s")
        #expect(FilterEscaping.optionValue("[a],b;c") == "\\[a\\]\\,b\\;c")
        #expect(FilterEscaping.seconds(2.36) == "2.360000")
        #expect(FilterEscaping.seconds(0.02) == "0.020000")
        #expect(FilterEscaping.seconds(-1.5) == "-1.500000")
        #expect(FilterEscaping.seconds(.nan) == "0.000000")
    }
}
