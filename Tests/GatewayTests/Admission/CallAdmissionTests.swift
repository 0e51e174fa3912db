import NIOCore
import Testing
@testable import Gateway

/// Admission by count and by the loop's load, with made-up loads and a
/// manual clock: no sockets.
@Suite struct CallAdmissionTests {
    let start = NIODeadline.uptimeNanoseconds(1_000_000_000)

    /// A loop that used `busy` of a core over a second carrying `calls`, its ticks `late`.
    func load(busy: Double, calls: Int, late: TimeAmount = .zero) -> LoopLoad {
        var load = LoopLoad()
        for tick in 0...50 {
            let at = start + .milliseconds(Int64(tick) * 20)
            load.tick(lateness: late, threadCPU: .nanoseconds(Int64(Double(tick) * 20_000_000 * busy)), now: at, calls: calls)
        }
        return load
    }

    @Test func theLoadMeasuresTheLoopsShareAndItsLateness() {
        let l = load(busy: 0.5, calls: 10, late: .milliseconds(12))
        #expect(abs(l.busy - 0.5) < 0.01)
        #expect(l.calls == 10)
        // Smoothed: fifty ticks 12 ms late come close to 12 ms.
        #expect(l.lateness > .milliseconds(11) && l.lateness <= .milliseconds(12))
        // One late tick alone does not make a late loop.
        var calm = load(busy: 0.1, calls: 1)
        calm.tick(lateness: .milliseconds(80), threadCPU: .milliseconds(110), now: start + .milliseconds(1020), calls: 1)
        #expect(calm.lateness < .milliseconds(10))
        let peak = calm.takePeak(), next = calm.takePeak()
        #expect(peak == .milliseconds(80))
        #expect(next == .zero)
    }

    @Test func aRiseInLoadCountsAtOnceAFallByHalves() {
        var l = load(busy: 0.2, calls: 4)
        var cpu = TimeAmount.nanoseconds(Int64(50 * 20_000_000 * 0.2))
        var at = start + .milliseconds(1000)
        // Half a second fully busy: the share is 1 as soon as a window closes.
        for _ in 0..<26 {
            at = at + .milliseconds(20)
            cpu = cpu + .milliseconds(20)
            l.tick(lateness: .zero, threadCPU: cpu, now: at, calls: 4)
        }
        #expect(l.busy > 0.95)
        // Half a second idle: down by halves, not back to 0.
        for _ in 0..<26 {
            at = at + .milliseconds(20)
            l.tick(lateness: .zero, threadCPU: cpu, now: at, calls: 4)
        }
        #expect(l.busy > 0.4 && l.busy < 0.6)
    }

    @Test func theCountsComeFirst() {
        var admission = CallAdmission(maxCalls: 3, maxPromptCalls: 1, headroom: nil)
        let idle = LoopLoad()
        let decision1 = admission.decide(calls: 3, promptCalls: 0, toPrompt: false, load: idle, now: start)
        #expect(decision1 == .maxCalls)
        let decision2 = admission.decide(calls: 1, promptCalls: 1, toPrompt: true, load: idle, now: start)
        #expect(decision2 == .maxPromptCalls)
        // A caller who dialled a meeting is not held back by the prompt's cap.
        let decision3 = admission.decide(calls: 1, promptCalls: 1, toPrompt: false, load: idle, now: start)
        #expect(decision3 == nil)
        #expect(CallAdmission.Refusal.maxCalls.retryAfter == 30)
    }

    @Test func aLateLoopOrABusyOneRefuses() {
        var admission = CallAdmission(maxCalls: 80, maxPromptCalls: 20, headroom: LoopHeadroom())
        let decision4 = admission.decide(calls: 10, promptCalls: 0, toPrompt: true,
                                         load: load(busy: 0.3, calls: 10, late: .milliseconds(15)), now: start)
        #expect(decision4 == .loopLate)
        // With no call in progress a late tick is the machine's (other
        // programs): nothing to protect, the first call is answered.
        let first = admission.decide(calls: 0, promptCalls: 0, toPrompt: true,
                                     load: load(busy: 0.0, calls: 0, late: .milliseconds(40)), now: start)
        #expect(first == nil)
        let decision5 = admission.decide(calls: 10, promptCalls: 0, toPrompt: true, load: load(busy: 0.85, calls: 10), now: start)
        #expect(decision5 == .loopBusy)
        let decision6 = admission.decide(calls: 10, promptCalls: 0, toPrompt: true, load: load(busy: 0.3, calls: 10), now: start)
        #expect(decision6 == nil)
        #expect(CallAdmission.Refusal.loopBusy.retryAfter == 15)
        // Without headroom limits, only the counts.
        var byCount = CallAdmission(maxCalls: 80, maxPromptCalls: 20, headroom: nil)
        let decision7 = byCount.decide(calls: 10, promptCalls: 0, toPrompt: true,
                                       load: load(busy: 1, calls: 10, late: .milliseconds(90)), now: start)
        #expect(decision7 == nil)
    }

    /// A burst arrives faster than its cost can show in the load: each call
    /// of the last second is counted ahead at the measured cost of a call.
    @Test func aBurstIsCountedAheadOfItsCost() {
        var admission = CallAdmission(maxCalls: 80, maxPromptCalls: 50, headroom: LoopHeadroom(maxBusy: 0.75))
        // One call costs 10 % (say a debug build): room for six more, not fifty.
        let measured = load(busy: 0.1, calls: 1)
        var admitted = 0
        for i in 0..<50 where admission.decide(calls: 1 + admitted, promptCalls: admitted, toPrompt: true, load: measured,
                                               now: start + .milliseconds(Int64(i) * 10)) == nil {
            admitted += 1
        }
        #expect(admitted == 6)
        #expect(admission.warmingUp == 6)
        // A second later their cost is in the load, and no longer counted ahead.
        let later = start + .seconds(2)
        let decision8 = admission.decide(calls: 7, promptCalls: 6, toPrompt: true, load: load(busy: 0.3, calls: 7), now: later)
        #expect(decision8 == nil)
        #expect(admission.warmingUp == 1)
        // Cheap calls (release build): the floor of maxBusy / maxCalls per call, so the count decides.
        var cheap = CallAdmission(maxCalls: 80, maxPromptCalls: 80, headroom: LoopHeadroom(maxBusy: 0.8))
        let light = load(busy: 0.005, calls: 1)
        var n = 0
        for i in 0..<100 where cheap.decide(calls: 1 + n, promptCalls: n, toPrompt: true, load: light,
                                            now: start + .milliseconds(Int64(i))) == nil {
            n += 1
        }
        #expect(n == 79)
        // A small cap does not make each call look expensive: two calls
        // within a second on an idle loop capped at two are both admitted.
        var small = CallAdmission(maxCalls: 2, maxPromptCalls: 2, headroom: LoopHeadroom())
        let first = small.decide(calls: 0, promptCalls: 0, toPrompt: false, load: LoopLoad(), now: start)
        let second = small.decide(calls: 1, promptCalls: 0, toPrompt: false, load: LoopLoad(), now: start + .milliseconds(100))
        #expect(first == nil && second == nil)
    }
}
