import Synchronization

/// Counted clicks spent on each link with `max_clicks`, as this process knows them: the stored
/// count, raised by every click it accepts and by the counts its click batches read back. On
/// one instance the limit is exact; instances sharing a database may together overshoot it by
/// the clicks in flight between them.
public final class ClickAllowance: Sendable {
    private let used = Mutex<[Int64: Int64]>([:])

    public init() {}

    /// Spends one of `link`'s clicks; false when none is left (the link is exhausted).
    public func take(_ link: Link) -> Bool {
        guard let limit = link.schedule.maxClicks else { return true }
        return used.withLock { used in
            let current = max(used[link.id] ?? 0, link.clickCount)
            guard current < limit else {
                used[link.id] = current
                return false
            }
            used[link.id] = current + 1
            return true
        }
    }

    /// Returns a click taken for a hit that was not recorded after all (the queue was full).
    public func giveBack(_ link: Link) {
        guard link.schedule.maxClicks != nil else { return }
        used.withLock { used in
            if let current = used[link.id], current > 0 { used[link.id] = current - 1 }
        }
    }

    /// Counted clicks spent on `link`, for its state.
    public func spent(_ link: Link) -> Int64 {
        guard link.schedule.maxClicks != nil else { return link.clickCount }
        return used.withLock { max($0[link.id] ?? 0, link.clickCount) }
    }

    /// Stored counts read back after a batch: they include other instances' clicks.
    public func observe(storedCounts: [Int64: Int64]) {
        used.withLock { used in
            for (linkID, count) in storedCounts where count > (used[linkID] ?? 0) {
                used[linkID] = count
            }
        }
    }
}
