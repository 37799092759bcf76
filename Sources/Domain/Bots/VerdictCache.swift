import Synchronization

/// Remembers recent bot verdicts by a hash of the user agent's UTF-8 bytes, never the user agent
/// itself: the string is personal enough that it is only read, in memory, while a request lasts.
///
/// The key is made from bytes because the matcher reads bytes: Swift's `String` hashing follows
/// canonical equivalence, so `K` (U+212A KELVIN SIGN) and `K` would share a verdict while the
/// matcher judges them apart, and one crafted request could make a real browser count as a bot.
/// The hasher is seeded randomly per process, so nobody can aim a collision at a known user agent.
final class VerdictCache: Sendable {
    private let capacity: Int
    private let verdicts: Mutex<[Int: Bool]>

    init(capacity: Int) {
        self.capacity = capacity
        self.verdicts = Mutex([:])
    }

    func verdict(forKey key: Int) -> Bool? {
        verdicts.withLock { $0[key] }
    }

    func remember(_ verdict: Bool, forKey key: Int) {
        verdicts.withLock { verdicts in
            // Starting over when full is crude but bounded, and refills within seconds.
            if verdicts.count >= capacity { verdicts.removeAll(keepingCapacity: true) }
            verdicts[key] = verdict
        }
    }

    /// The key of `userAgent`; made once per lookup, as hashing reads the whole user agent.
    static func key(_ userAgent: String) -> Int {
        var hasher = Hasher()
        var text = userAgent
        text.withUTF8 { bytes in
            hasher.combine(bytes.count)
            hasher.combine(bytes: UnsafeRawBufferPointer(bytes))
        }
        return hasher.finalize()
    }
}
