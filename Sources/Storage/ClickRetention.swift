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

    let database: AppDatabase
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
        self.database = database
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
    /// outbox events went. Stops early on graceful shutdown: the next start finishes the job.
    package func purge(now: Date) async throws -> (clicks: Int, outboxEvents: Int) {
        let cutoff = now.epochMillis - Int64(retention.components.seconds) * 1000
        let clicks = try await deleteInBatches(
            sql: "DELETE FROM click WHERE id IN (SELECT id FROM click WHERE occurred_at < ? ORDER BY occurred_at LIMIT ?)", cutoff)
        deleted.increment(by: clicks)
        let events = try await deleteInBatches(
            sql: "DELETE FROM ga_outbox WHERE id IN (SELECT id FROM ga_outbox WHERE state != 'queued' AND settled_at < ? LIMIT ?)", cutoff)
        deletedEvents.increment(by: events)
        if clicks + events > 0 {
            logger.info("retention purge", metadata: ["clicks": "\(clicks)", "outbox_events": "\(events)", "before": "\(Date(epochMillis: cutoff))"])
        }
        return (clicks, events)
    }

    private func deleteInBatches(sql: String, _ cutoff: Int64) async throws -> Int {
        var total = 0
        while !Task.isShuttingDownGracefully {
            let batch = batchSize
            let count = try await database.writer.write { db in
                try db.execute(sql: sql, arguments: [cutoff, batch])
                return db.changesCount
            }
            total += count
            if count < batchSize { break }
            // Lets queued click batches in between two purge batches.
            await Task.yield()
        }
        return total
    }
}
