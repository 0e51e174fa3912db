import NIOCore

/// The limits of the gateway loop's load past which new calls are refused
/// (503): the calls in progress keep what they need.
public struct LoopHeadroom: Sendable, Equatable {
    /// The most of one core the loop's thread may use, 0...1. One loop
    /// carries about 85 transcoded calls per core (README, `make
    /// bench-gateway`) and frames start to run late past about 80. The
    /// rest is margin: calls admitted cannot be shed, and their cost
    /// swings (prompts, keys, a busy machine) by a tenth of a core and more
    /// (`GatewayAdmissionTests`: 21 callers measured at 0.6 to 0.98).
    public var maxBusy: Double
    /// The most the 20 ms tick may run late, smoothed over about 300 ms;
    /// past it the loop is not keeping up (or the machine does not give it
    /// the time), whatever its CPU share says.
    public var maxTickLateness: TimeAmount

    public init(maxBusy: Double = 0.7, maxTickLateness: TimeAmount = .milliseconds(10)) {
        self.maxBusy = maxBusy
        self.maxTickLateness = maxTickLateness
    }
}
