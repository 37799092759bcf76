import Synchronization

/// Counts events and tells, at most once per interval, how many happened since it last told:
/// for log lines about something that can happen thousands of times a second.
final class RateLimitedCount: Sendable {
    private struct State {
        var pending = 0
        var lastTold: ContinuousClock.Instant?
    }

    private let interval: Duration
    private let state = Mutex(State())

    init(interval: Duration) {
        self.interval = interval
    }

    /// Counts one event; the count to report when it is time to, else nil.
    func add(now: ContinuousClock.Instant = .now) -> Int? {
        state.withLock { state in
            state.pending += 1
            if let last = state.lastTold, now - last < interval { return nil }
            state.lastTold = now
            defer { state.pending = 0 }
            return state.pending
        }
    }
}
