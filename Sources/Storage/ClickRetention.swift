import Domain
import Foundation
import GRDB
import Logging
import Metrics
import ServiceLifecycle

/// Deletes raw click rows older than the retention period (docs/architecture.md, "Privacy"), and settled GA outbox
/// events as old, in small batches: each batch is its own short write transaction, so the click
/// writer waits at most one batch (a few milliseconds), never for the whole purge. Aggregates and
/// link counters live in their own tables and are not touched, so stats stay exact.
package struct ClickRetention: Service {
    package static let defaultBatchSize = 2_000
    package static let defaultInterval: Duration = .seconds(3_600)

    package let target: any RetentionTarget
    let retention: Duration
    let batchSize: Int
    let interval: Duration
    let logger: Logger
    private let deleted = Counter(label: "clicktrail_retention_deleted_total", dimensions: [("table", "click")])
    private let deletedEvents = Counter(label: "clicktrail_retention_deleted_total", dimensions: [("table", "ga_outbox")])
    private let errors = Counter(label: "clicktrail_database_errors_total", dimensions: [("operation", "retention")])

    package init(
        database: AppDatabase, retentionDays: Int, batchSize: Int = defaultBatchSize, interval: Duration = defaultInterval,
        logger: Logger = Logger(label: "clicktrail.retention")
    ) {
        self.init(target: SQLiteRetentionTarget(database: database), retentionDays: retentionDays, batchSize: batchSize, interval: interval, logger: logger)
    }

    package init(
        target: any RetentionTarget, retentionDays: Int, batchSize: Int = defaultBatchSize, interval: Duration = defaultInterval,
        logger: Logger = Logger(label: "clicktrail.retention")
    ) {
        self.target = target
        self.retention = .seconds(Int64(retentionDays) * 86_400)
        self.batchSize = batchSize
        self.interval = interval
        self.logger = logger
    }

    package func run() async throws {
        // Runs at start (a service that was down for a while catches up), then every interval.
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                _ = try await purge(now: Date())
            } catch is CancellationError {
                return
            } catch {
                errors.increment()
                logger.error("retention purge failed; it is tried again next round", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }

    /// Deletes everything older than the period before `now`; answers how many clicks and
    /// outbox events went, nil when another instance was purging (this round is skipped).
    /// Stops early on graceful shutdown: the next start finishes the job.
    @discardableResult
    package func purge(now: Date) async throws -> (clicks: Int, outboxEvents: Int)? {
        let cutoff = now.epochMillis - Int64(retention.components.seconds) * 1000
        guard let (clicks, events) = try await target.exclusively({
            let clicks = try await deleteInBatches { try await target.deleteClicks(before: cutoff, limit: $0) }
            let events = try await deleteInBatches { try await target.deleteSettledEvents(before: cutoff, limit: $0) }
            return (clicks, events)
        }) else {
            logger.debug("retention purge skipped: another instance is purging")
            return nil
        }
        deleted.increment(by: clicks)
        deletedEvents.increment(by: events)
        if clicks + events > 0 {
            logger.info("retention purge", metadata: ["clicks": "\(clicks)", "outbox_events": "\(events)", "before": "\(Date(epochMillis: cutoff))"])
        }
        return (clicks, events)
    }

    private func deleteInBatches(_ deleteBatch: (Int) async throws -> Int) async throws -> Int {
        var total = 0
        while !Task.isShuttingDownGracefully {
            let count = try await deleteBatch(batchSize)
            total += count
            if count < batchSize { break }
            // Lets queued click batches in between two purge batches.
            await Task.yield()
        }
        return total
    }
}

/// Where retention deletes, one small batch per transaction.
package protocol RetentionTarget: Sendable {
    func deleteClicks(before cutoff: Int64, limit: Int) async throws -> Int
    func deleteSettledEvents(before cutoff: Int64, limit: Int) async throws -> Int
    /// Runs `body` unless another instance is purging the same database; nil when it is.
    func exclusively<Result: Sendable>(_ body: @escaping @Sendable () async throws -> Result) async throws -> Result?
}

/// One process owns a SQLite file, so its purge never has company.
struct SQLiteRetentionTarget: RetentionTarget {
    let database: AppDatabase

    func deleteClicks(before cutoff: Int64, limit: Int) async throws -> Int {
        try await delete("DELETE FROM click WHERE id IN (SELECT id FROM click WHERE occurred_at < ? ORDER BY occurred_at LIMIT ?)", cutoff, limit)
    }

    func deleteSettledEvents(before cutoff: Int64, limit: Int) async throws -> Int {
        try await delete("DELETE FROM ga_outbox WHERE id IN (SELECT id FROM ga_outbox WHERE state != 'queued' AND settled_at < ? LIMIT ?)", cutoff, limit)
    }

    func exclusively<Result: Sendable>(_ body: @escaping @Sendable () async throws -> Result) async throws -> Result? {
        try await body()
    }

    private func delete(_ sql: String, _ cutoff: Int64, _ limit: Int) async throws -> Int {
        try await database.writer.write { db in
            try db.execute(sql: sql, arguments: [cutoff, limit])
            return db.changesCount
        }
    }
}
