import Synchronization

/// Remembers recent bot verdicts by a hash of the user agent, never the user agent itself: the
/// string is personal enough that it is only read, in memory, for as long as a request lasts.
/// The hash is seeded randomly per process, so nobody can craft a user agent that collides with
/// a known one on purpose; an accidental 64-bit collision among a few thousand entries is negligible.
final class VerdictCache: Sendable {
    private let capacity: Int
    private let verdicts: Mutex<[Int: Bool]>

    init(capacity: Int) {
        self.capacity = capacity
        self.verdicts = Mutex([:])
    }

    func verdict(for userAgent: String) -> Bool? {
        let key = userAgent.hashValue
        return verdicts.withLock { $0[key] }
    }

    func remember(_ verdict: Bool, for userAgent: String) {
        let key = userAgent.hashValue
        verdicts.withLock { verdicts in
            // Starting over when full is crude but bounded, and refills within seconds.
            if verdicts.count >= capacity { verdicts.removeAll(keepingCapacity: true) }
            verdicts[key] = verdict
        }
    }
}
