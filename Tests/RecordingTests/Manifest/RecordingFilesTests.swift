import Foundation
import Testing
@testable import Recording

/// Names that downloads are saved under: safe in a header and on any disk.
@Suite struct RecordingFilesTests {
    @Test func onlyLettersDigitsAndTheKeptCharactersSurvive() {
        #expect(RecordingFiles.safeFileNameCharacters("Design: review/2 \"é\"") == "Design_ review_2 ___")
        #expect(RecordingFiles.safeFileNameCharacters("+1 555.0100", keeping: " -_.+") == "+1 555.0100")
        #expect(RecordingFiles.safeFileNameCharacters("a\r\nb;c") == "a__b_c")
    }

    @Test func trackDownloadsSayWhoseTheyAre() {
        let url = URL(fileURLWithPath: "/rec/tracks/03-screen.webm")
        #expect(RecordedTrackFile(url: url, participant: " Rita Red ", source: "screen", start: 2).downloadName
            == "03 Rita Red - screen.webm")
        #expect(RecordedTrackFile(url: url, participant: "王小明", source: "camera", start: 0).downloadName
            == "03 ___ - camera.webm")
        #expect(RecordedTrackFile(url: url, participant: "", source: "camera", start: 0).downloadName
            == "03 Participant - camera.webm")
        // While the meeting records there is no manifest yet: the file's own name.
        #expect(RecordedTrackFile(url: url, participant: nil, source: nil, start: nil).downloadName == "03-screen.webm")
    }
}
