import Domain
import Foundation
import GRDB
import Logging
import Metrics
import ServiceLifecycle
import Synchronization

/// Stores clicks in batches, one transaction each: the rows, the links' counters and the
/// quarter-hour aggregates move together, so stats and counters always agree with the log.
///
/// Recording only enqueues: the redirect never waits for the database. When the queue is full,
/// a caller may wait a bounded while for room; past it the click is dropped, counted and logged.
/// On graceful shutdown the writer stops waiting for more and writes everything queued before it returns.
package final class ClickWriter: Service {
    package static let defaultCapacity = 10_000
    /// A batch the database keeps refusing (disk full, a broken schema) is retried this often,
    /// then logged and dropped, so it cannot stall every redirect forever. One that cannot reach
    /// the database at all waits for it instead (until the service is cancelled).
    static let maxAttempts = 5
    static let maxUnavailableDelay: Duration = .seconds(1)
    /// How long a caller waiting for its click to be stored (`recordConfirmed`) waits before the
    /// click is withdrawn and the caller told nothing was stored: long enough for any batch of a
    /// reachable database, short enough to answer before a JSON-RPC client gives up.
    package static let defaultConfirmationWait: Duration = .seconds(3)
    /// Bounds how late a click shows in stats under load; measured with `scripts/bench`.
    static let gatheringPause: Duration = .milliseconds(5)

    private let queue: BatchQueue<PendingClick>
    private let store: any ClickStore
    /// The `max_clicks` of limited links: spent by the redirects, brought up to date by each batch.
    package let allowance = ClickAllowance()
    private let logger: Logger
    private let hitsByReason = Dictionary(
        uniqueKeysWithValues: HitReason.allCases.map { ($0, Counter(label: "clicktrail_hits_total", dimensions: [("reason", $0.rawValue)])) })
    private let countedClicks = Counter(label: "clicktrail_clicks_counted_total")
    private let batchDuration = Timer(label: "clicktrail_click_batch_duration_seconds")
    private let batchErrors = Counter(label: "clicktrail_database_errors_total", dimensions: [("operation", "click_batch")])
    private let droppedAfterFailures = Counter(label: "clicktrail_clicks_dropped_total", dimensions: [("reason", "write_failed")])
    private let droppedForRoom = Counter(label: "clicktrail_clicks_dropped_total", dimensions: [("reason", "queue_full")])
    private let withdrawn = Counter(label: "clicktrail_clicks_dropped_total", dimensions: [("reason", "confirmation_timeout")])
    /// A full queue drops many clicks a second: one log line per interval says how many.
    private let queueFullLog = RateLimitedCount(interval: .seconds(10))
    private let unavailableLog = RateLimitedCount(interval: .seconds(10))

    package init(store: any ClickStore, capacity: Int = defaultCapacity, logger: Logger = Logger(label: "clicktrail.click-writer")) {
        self.queue = BatchQueue(capacity: capacity)
        self.store = store
        self.logger = logger
    }

    /// Clicks accepted and not yet written (the `/metrics` gauge).
    package var queueDepth: Int {
        queue.depth
    }

    /// Queues `click`, waiting for room while the queue is full, at most `bound` (nil: as long
    /// as it takes). Returns false when the bound passed: the click is dropped, counted in
    /// `clicktrail_clicks_dropped_total{reason="queue_full"}` and logged.
    @discardableResult
    package func record(_ click: ClickRecord, waitingAtMost bound: Duration? = nil) async -> Bool {
        if await queue.enqueue(PendingClick(click: click), waitingAtMost: bound) { return true }
        droppedForRoom.increment()
        if let dropped = queueFullLog.add() {
            logger.error(
                "clicks dropped: the click queue stayed full (is the database failing?)",
                metadata: ["dropped": "\(dropped)", "capacity": "\(queue.capacity)"])
        }
        return false
    }

    /// Records `click` if that needs no wait; false when the queue is full and the caller has
    /// to use `record` (which waits) instead.
    package func tryRecord(_ click: ClickRecord) -> Bool {
        queue.tryEnqueue(PendingClick(click: click))
    }

    /// Records `click` like `record` and waits until its batch is written: for callers that
    /// answer with the click's id (JSON-RPC `clicks.ingest`). When that takes longer than `wait`
    /// (the database is away), the click is withdrawn before any further write attempt and the
    /// answer is `.failed`: nothing was stored, so the caller's retry cannot count it twice. A
    /// click already in a write attempt is waited for until that attempt ends.
    package func recordConfirmed(_ click: ClickRecord, wait: Duration = defaultConfirmationWait) async -> ClickWriteOutcome {
        let (events, continuation) = AsyncStream.makeStream(of: ConfirmationEvent.self)
        let ticket = ClickTicket()
        // Enqueued from the caller's own task, so back-pressure and arrival order hold as for `record`.
        await queue.enqueue(PendingClick(click: click, ticket: ticket, confirmation: continuation))
        let timer = Task {
            try await Task.sleep(for: wait)
            // Until the click is withdrawn or its write attempt ends with an outcome, ask again.
            while true {
                continuation.yield(.deadline)
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        defer { timer.cancel() }
        for await event in events {
            switch event {
            case .outcome(let outcome):
                return outcome
            case .deadline:
                if ticket.withdraw() {
                    withdrawn.increment()
                    return .failed
                }
            }
        }
        return .failed
    }

    package func run() async throws {
        // Cancellation (another service failed, e.g. the port was taken) must end the loop too:
        // a consumer left waiting for batches would keep the process alive forever.
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await withDiscardingTaskGroup { group in
                    group.addTask { await self.writeBatches(waitingFor: 1) }
                    // Helpers start a batch only when a full one waits behind the running ones:
                    // a smaller backlog goes whole into the next batch anyway, and clicks keep
                    // their arrival order in the log until the writer falls behind.
                    for _ in 1..<max(1, store.concurrentBatches) {
                        group.addTask { await self.writeBatches(waitingFor: self.store.batchSize) }
                    }
                }
            } onGracefulShutdown: {
                self.queue.finish()
            }
        } onCancel: {
            self.queue.finish()
        }
    }

    /// Takes batches of at least `minimum` clicks off the queue and writes them until it is
    /// finished and empty.
    private func writeBatches(waitingFor minimum: Int) async {
        let batchSize = store.batchSize
        while let batch = await queue.nextBatch(maxCount: batchSize, atLeast: minimum) {
            await write(batch)
            // More than one click waited: traffic is flowing. A short pause lets the next
            // batch gather instead of waking this task (and committing) for every click
            // or two. A lone click is written at once; after a full batch more are surely
            // waiting, and pausing would only let the queue fill.
            if batch.count > 1, batch.count < batchSize { try? await Task.sleep(for: Self.gatheringPause) }
        }
    }

    private func write(_ batch: [PendingClick]) async {
        var delay: Duration = .milliseconds(50)
        var attempt = 0
        while true {
            attempt += 1
            // Withdrawn clicks are skipped; the others cannot be withdrawn while this attempt runs.
            let live = batch.filter { $0.ticket?.beginWrite() ?? true }
            if live.isEmpty { return }
            do {
                let started = ContinuousClock.now
                // In a task of its own, which cancellation of `run` does not reach: GRDB refuses
                // to start a write in a cancelled task, and the clicks queued when a sibling
                // service failed would be dropped instead of written.
                let store = self.store
                let results = try await Task { try await store.store(live.map(\.click)) }.value
                batchDuration.record(duration: ContinuousClock.now - started)
                var stored: [HitReason: Int] = [:]
                allowance.observe(storedCounts: results.clickCounts)
                for (pending, result) in zip(live, results.clicks) {
                    pending.confirm(result.map { ClickWriteOutcome.stored(id: $0.id, gaStatus: $0.gaStatus) } ?? .linkMissing)
                    if result != nil { stored[pending.click.verdict.reason, default: 0] += 1 }
                }
                for (reason, count) in stored { hitsByReason[reason]?.increment(by: count) }
                countedClicks.increment(by: stored[.ok] ?? 0)
                if attempt > 1 { logger.notice("click batch written after the database came back", metadata: ["attempts": "\(attempt)"]) }
                return
            } catch let error as DatabaseUnavailable where !Task.isCancelled {
                // A database that is away (restarting, failing over) comes back: the batch waits
                // for it, and clicks behind it wait in the bounded queue, however long that takes.
                batchErrors.increment()
                for pending in live { pending.ticket?.release() }
                if let failures = unavailableLog.add() {
                    logger.error(
                        "click batch waits for the database", metadata: ["failed_attempts": "\(failures)", "clicks": "\(batch.count)", "error": "\(error)"])
                }
                try? await Task.sleep(for: min(delay, Self.maxUnavailableDelay))
                delay *= 2
            } catch {
                batchErrors.increment()
                for pending in live { pending.ticket?.release() }
                logger.error(
                    "click batch write failed", metadata: ["attempt": "\(attempt)", "clicks": "\(batch.count)", "error": "\(error)"])
                if attempt >= Self.maxAttempts || Task.isCancelled { break }
                try? await Task.sleep(for: delay)
                delay *= 4
            }
        }
        let dropped = batch.filter { $0.ticket?.beginWrite() ?? true }
        logger.critical("click batch dropped after repeated failures", metadata: ["clicks": "\(dropped.count)"])
        droppedAfterFailures.increment(by: dropped.count)
        for pending in dropped {
            pending.confirm(.failed)
        }
    }

    private struct PendingClick: Sendable {
        var click: ClickRecord
        /// Set for `recordConfirmed`: whether the click may still be written or was withdrawn.
        var ticket: ClickTicket? = nil
        /// Set for `recordConfirmed`: told once what became of the click.
        var confirmation: AsyncStream<ConfirmationEvent>.Continuation? = nil

        func confirm(_ outcome: ClickWriteOutcome) {
            confirmation?.yield(.outcome(outcome))
            confirmation?.finish()
        }
    }

    private enum ConfirmationEvent: Sendable {
        case outcome(ClickWriteOutcome)
        /// The caller's wait is over: withdraw the click if no write attempt holds it.
        case deadline
    }
}

/// Whether a confirmed click may still be written: a write attempt holds it while it runs, a
/// caller that stopped waiting withdraws it between attempts, never during one.
private final class ClickTicket: Sendable {
    private enum State { case waiting, writing, withdrawn }
    private let state = Mutex(State.waiting)

    /// Claims the click for a write attempt; false once it was withdrawn.
    func beginWrite() -> Bool {
        state.withLock { state in
            guard state == .waiting else { return state == .writing }
            state = .writing
            return true
        }
    }

    /// The attempt failed and stored nothing: the click may be withdrawn again.
    func release() {
        state.withLock { state in
            if state == .writing { state = .waiting }
        }
    }

    func withdraw() -> Bool {
        state.withLock { state in
            guard state == .waiting else { return false }
            state = .withdrawn
            return true
        }
    }
}

/// What became of a click recorded with confirmation.
package enum ClickWriteOutcome: Sendable, Equatable {
    case stored(id: Int64, gaStatus: GAStatus)
    /// The link was deleted before the click was written; nothing was stored.
    case linkMissing
    /// The database kept refusing the batch, or was away longer than the caller waits; nothing
    /// was stored (the error is logged).
    case failed
}
