import Testing
@testable import Recording

@Suite("FFmpegProgress")
struct FFmpegProgressTests {
    @Test func fractionsGrowAndStopShortOfOne() {
        var progress = FFmpegProgress(duration: 10)
        #expect(progress.consume(line: "frame=10") == nil)
        #expect(progress.consume(line: "out_time_us=N/A") == nil)
        #expect(progress.consume(line: "out_time_us=2500000") == 0.25)
        #expect(progress.consume(line: "out_time_ms=2500000") == nil, "no change, no report")
        #expect(progress.consume(line: "out_time_us=1000000") == nil, "never goes back")
        #expect(progress.consume(line: "out_time_ms=5000000") == 0.5, "5.1 prints microseconds under out_time_ms too")
        #expect(progress.consume(line: "out_time_us=-40000") == nil)
        #expect(progress.consume(line: "out_time_us=99999999999") == FFmpegProgress.ceiling)
        #expect(progress.consume(line: "progress=end") == nil)
        #expect(progress.consume(line: "=") == nil)
        #expect(progress.consume(line: "out_time_us=12x") == nil)
    }
}
