import Foundation
import Testing
@testable import Recording

@Suite("CompositeLayout")
struct CompositeLayoutTests {
    /// Segments tile the whole timeline; tiles are even, inside the canvas, and never overlap.
    func checkInvariants(_ layout: CompositeLayout, sourceLocation: SourceLocation = #_sourceLocation) {
        var next = 0
        for segment in layout.segments {
            #expect(segment.startFrame == next, sourceLocation: sourceLocation)
            #expect(segment.endFrame > segment.startFrame, "no segment shorter than a frame", sourceLocation: sourceLocation)
            next = segment.endFrame
            for (index, tile) in segment.tiles.enumerated() {
                let frame = tile.frame
                #expect(frame.x >= 0 && frame.y >= 0 && frame.x + frame.width <= layout.width
                    && frame.y + frame.height <= layout.height, "\(frame) inside the canvas", sourceLocation: sourceLocation)
                #expect(frame.x % 2 == 0 && frame.y % 2 == 0 && frame.width % 2 == 0 && frame.height % 2 == 0,
                        sourceLocation: sourceLocation)
                for other in segment.tiles[(index + 1)...] {
                    #expect(!frame.intersects(other.frame), "\(frame) and \(other.frame) overlap",
                            sourceLocation: sourceLocation)
                }
            }
        }
        #expect(next == layout.frameCount, sourceLocation: sourceLocation)
    }

    @Test func oneParticipantFillsTheCanvas() throws {
        let layout = CompositeLayout(manifest: ManifestFixture.meeting(1))
        checkInvariants(layout)
        #expect(layout.frameCount == 250)
        let segment = try #require(layout.segments.first)
        #expect(layout.segments.count == 1)
        #expect(segment.tiles.count == 1)
        #expect(segment.tiles[0].content == .camera(trackID: "cam-p0"))
        #expect(segment.tiles[0].frame == .init(x: 4, y: 4, width: 1272, height: 712))
    }

    @Test func twoParticipantsSideBySide() throws {
        let tiles = try #require(CompositeLayout(manifest: ManifestFixture.meeting(2)).segments.first).tiles
        #expect(tiles.map(\.frame) == [.init(x: 4, y: 4, width: 632, height: 712),
                                       .init(x: 644, y: 4, width: 632, height: 712)])
    }

    @Test func threeParticipantsInTwoByTwoWithTheLastRowCentred() throws {
        let layout = CompositeLayout(manifest: ManifestFixture.meeting(3))
        checkInvariants(layout)
        let tiles = try #require(layout.segments.first).tiles
        #expect(tiles.count == 3)
        #expect(tiles.allSatisfy { $0.frame.width == 632 && $0.frame.height == 352 })
        #expect(tiles[0].frame.y == tiles[1].frame.y)
        #expect(tiles[2].frame.midX == 640, "the lone tile of the last row is centred")
    }

    @Test func fiveParticipantsInThreeColumns() throws {
        let layout = CompositeLayout(manifest: ManifestFixture.meeting(5))
        checkInvariants(layout)
        let tiles = try #require(layout.segments.first).tiles
        #expect(tiles.count == 5)
        #expect(Set(tiles.map(\.frame.width)) == [418])
        #expect(Set(tiles.map(\.frame.y)).count == 2, "two rows: the empty third row of 3x3 is dropped")
    }

    @Test func nineParticipantsInThreeByThree() throws {
        let layout = CompositeLayout(manifest: ManifestFixture.meeting(9))
        checkInvariants(layout)
        let tiles = try #require(layout.segments.first).tiles
        #expect(tiles.count == 9)
        #expect(Set(tiles.map(\.frame.x)).count == 3)
        #expect(Set(tiles.map(\.frame.y)).count == 3)
        #expect(tiles.map(\.participantID) == (0..<9).map { "p\($0)" }, "join order")
    }

    @Test func seventeenParticipantsShowSixteen() throws {
        let layout = CompositeLayout(manifest: ManifestFixture.meeting(17))
        checkInvariants(layout)
        let tiles = try #require(layout.segments.first).tiles
        #expect(tiles.count == 16)
        #expect(!tiles.contains { $0.participantID == "p16" }, "the latest joiner is left out")
        #expect(Set(tiles.map(\.frame.x)).count == 4 && Set(tiles.map(\.frame.y)).count == 4)
    }

    @Test func cameraOffShowsANameTile() {
        var manifest = ManifestFixture.meeting(1)
        manifest.tracks[0] = ManifestFixture.camera("p0", live: [(0, 4), (6, 10)])
        let layout = CompositeLayout(manifest: manifest)
        checkInvariants(layout)
        #expect(layout.segments.map(\.startFrame) == [0, 100, 150])
        #expect(layout.segments.map { $0.tiles[0].content } == [.camera(trackID: "cam-p0"), .name, .camera(trackID: "cam-p0")])
        #expect(layout.segments[1].tiles[0].displayName == "Person 0")
    }

    @Test func phoneCallerGetsANameTileMarkedPhone() throws {
        let manifest = RecordingManifest(
            duration: 5,
            participants: [ManifestFixture.person("a", "Ann", from: 0, to: 5), ManifestFixture.person("t", "Tel", role: "phone", from: 0, to: 5)],
            tracks: [ManifestFixture.camera("a", live: [(0, 5)]), ManifestFixture.microphone("t", live: [(0, 5)])]
        )
        let tiles = try #require(CompositeLayout(manifest: manifest).segments.first).tiles
        #expect(tiles.map(\.content) == [.camera(trackID: "cam-a"), .name])
        #expect(tiles.map(\.isPhone) == [false, true])
    }

    @Test func noVideoAtAllGivesNameTiles() throws {
        let manifest = RecordingManifest(duration: 3, participants: [ManifestFixture.person("a", from: 0, to: 3),
                                                                     ManifestFixture.person("b", from: 0, to: 3)], tracks: [])
        let layout = CompositeLayout(manifest: manifest)
        checkInvariants(layout)
        #expect(layout.segments.count == 1)
        #expect(layout.segments[0].tiles.map(\.content) == [.name, .name])
    }

    @Test func screenShareIsLargeWithCamerasBeside() throws {
        var manifest = ManifestFixture.meeting(7)
        manifest.tracks.append(ManifestFixture.screen("p2", live: [(4, 7)]))
        let layout = CompositeLayout(manifest: manifest)
        checkInvariants(layout)
        #expect(layout.segments.map(\.startFrame) == [0, 100, 175])
        #expect(layout.segments.map(\.showsScreen) == [false, true, false])
        let tiles = layout.segments[1].tiles
        let screen = try #require(tiles.first)
        #expect(screen.content == .screen(trackID: "screen-p2"))
        #expect(screen.displayName == "Person 2")
        #expect(screen.frame == .init(x: 4, y: 4, width: 1016, height: 712))
        let column = tiles.dropFirst()
        #expect(column.count == 5, "as many 16:9 tiles as fit in 720 px")
        #expect(column.allSatisfy { $0.frame.x >= 1024 && $0.frame.width == 248 && $0.frame.height == 136 })
        #expect(column.map(\.participantID) == ["p0", "p1", "p2", "p3", "p4"])
        #expect(layout.segments[2].tiles.count == 7, "grid again after the share")
    }

    @Test func newestScreenShareWins() {
        let manifest = RecordingManifest(
            duration: 10,
            participants: [ManifestFixture.person("a"), ManifestFixture.person("b")],
            tracks: [ManifestFixture.screen("a", live: [(1, 9)]), ManifestFixture.screen("b", live: [(3, 5)])]
        )
        let shown = CompositeLayout(manifest: manifest).segments.map { $0.tiles.first?.content }
        #expect(shown == [.name, .screen(trackID: "screen-a"), .screen(trackID: "screen-b"), .screen(trackID: "screen-a"), .name])
    }

    @Test func participantLeavingSplitsSegments() {
        let manifest = RecordingManifest(
            duration: 10,
            participants: [ManifestFixture.person("a", from: 0, to: 10), ManifestFixture.person("b", from: 0, to: 5.32)],
            tracks: [ManifestFixture.camera("a"), ManifestFixture.camera("b", live: [(0, 5.32)])]
        )
        let layout = CompositeLayout(manifest: manifest)
        checkInvariants(layout)
        #expect(layout.segments.map(\.startFrame) == [0, 133])
        #expect(layout.segments.map(\.tiles.count) == [2, 1])
        #expect(layout.segments[0].end == 5.32)
        #expect(layout.segments[1].tiles[0].frame.width == 1272, "the one left fills the canvas")
    }

    @Test func spansShorterThanAFrameAreMergedAway() {
        let manifest = RecordingManifest(
            duration: 10,
            participants: [ManifestFixture.person("a"), ManifestFixture.person("b", from: 5.0, to: 5.01)],
            tracks: [
                // Camera drops for 10 ms, then a 3 ms flicker: neither lasts a frame.
                ManifestFixture.camera("a", live: [(0, 3), (3.01, 7), (7.003, 10)]),
                ManifestFixture.microphone("a", live: [(0, 2), (2.5, 10)]),
            ]
        )
        let layout = CompositeLayout(manifest: manifest)
        checkInvariants(layout)
        #expect(layout.segments.count == 1, "microphone spans and sub-frame changes do not split the video")
        #expect(layout.segments[0].tiles.map(\.participantID) == ["a"])
    }

    @Test func untrustedTimesDoNotTrap() {
        let manifest = RecordingManifest(
            duration: 4,
            participants: [
                RecordedParticipant(id: "a", displayName: "A", role: "host",
                                    present: [TimeSpan(start: -.infinity, end: .infinity)]),
                RecordedParticipant(id: "b", displayName: "B", role: "guest",
                                    present: [TimeSpan(start: .nan, end: 3), TimeSpan(start: 9, end: 2)]),
            ],
            tracks: [ManifestFixture.camera("a", live: [(-5, 1e300)]), ManifestFixture.camera("ghost")]
        )
        let layout = CompositeLayout(manifest: manifest)
        checkInvariants(layout)
        #expect(layout.segments.count == 1)
        #expect(layout.segments[0].tiles.map(\.content) == [.camera(trackID: "cam-a")])
        #expect(CompositeLayout(manifest: RecordingManifest(duration: .nan, participants: [], tracks: [])).segments.isEmpty)
        #expect(CompositeLayout(manifest: RecordingManifest(duration: 0, participants: [], tracks: [])).frameCount == 0)
    }
}
