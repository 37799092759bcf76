/// When a failed delivery is tried again (README, "Google Analytics 4 forwarding"): exponential back-off with jitter, so that
/// many events failing together do not return to GA in one burst.
public struct RetryPolicy: Sendable {
    /// The first retry comes after at most this long.
    public var firstDelay: Duration
    public var maxDelay: Duration

    public static let standard = RetryPolicy(firstDelay: .seconds(2), maxDelay: .seconds(300))

    public init(firstDelay: Duration, maxDelay: Duration) {
        self.firstDelay = firstDelay
        self.maxDelay = maxDelay
    }

    /// The wait after the `attempts`-th failed attempt: the doubling ceiling, capped, and a random
    /// point in its upper half (never less than half, so retries do not hammer a struggling GA).
    public func delay(afterAttempts attempts: Int, using random: inout some RandomNumberGenerator) -> Duration {
        let doublings = min(max(attempts - 1, 0), 30)
        let ceiling = min(firstDelay * (1 << doublings), maxDelay)
        return ceiling * Double.random(in: 0.5...1.0, using: &random)
    }

    public func delay(afterAttempts attempts: Int) -> Duration {
        var random = SystemRandomNumberGenerator()
        return delay(afterAttempts: attempts, using: &random)
    }
}
