import Domain
import Foundation
import GRDB

/// The GA outbox in SQLite. One sender reads it; an event stays `queued` while it is in flight,
/// and is settled in one transaction with its click's `ga_status`.
package struct SQLiteOutboxRepository: OutboxRepository {
    private let database: AppDatabase

    package init(database: AppDatabase) {
        self.database = database
    }

    package func due(at now: Date, limit: Int) async throws -> [OutboxEvent] {
        try await database.writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT id, click_id, payload, occurred_at, attempts FROM ga_outbox
                    WHERE state = 'queued' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?
                    """,
                arguments: [now.epochMillis, limit]
            ).map { row in
                OutboxEvent(
                    id: row["id"], clickID: row["click_id"], payload: row["payload"],
                    occurredAt: Date(epochMillis: row["occurred_at"]), attempts: row["attempts"])
            }
        }
    }

    package func settle(_ outcomes: [(event: OutboxEvent, outcome: DeliveryOutcome)], at now: Date) async throws {
        let settledAt = now.epochMillis
        try await database.writer.write { db in
            // Settled events keep their state, times and error, not the visitor's GA identifiers.
            let finish = try db.cachedStatement(sql: """
                UPDATE ga_outbox SET state = ?, attempts = attempts + ?, last_error = ?, settled_at = ?, payload = x'' WHERE id = ?
                """)
            let retry = try db.cachedStatement(sql: """
                UPDATE ga_outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?
                """)
            let clickStatus = try db.cachedStatement(sql: "UPDATE click SET ga_status = ? WHERE id = ?")
            for (event, outcome) in outcomes {
                switch outcome {
                case .retry(let error, let at):
                    try retry.execute(arguments: [OutboxErrorText.clipped(error), at.epochMillis, event.id])
                    continue
                case .sent:
                    try finish.execute(arguments: ["sent", 1, nil, settledAt, event.id])
                case .failed(let error):
                    try finish.execute(arguments: ["failed", 1, OutboxErrorText.clipped(error), settledAt, event.id])
                case .dead:
                    try finish.execute(arguments: ["dead", 0, OutboxErrorText.dead, settledAt, event.id])
                }
                if let clickID = event.clickID {
                    // A dead event never reached GA: for the click that is a failure.
                    try clickStatus.execute(arguments: [outcome == .sent ? GAStatus.sent.rawValue : GAStatus.failed.rawValue, clickID])
                }
            }
        }
    }

    /// From counters the outbox's triggers keep and a partial index: cheap however long the
    /// outbox is, as `/metrics` is unauthenticated.
    package func counts() async throws -> OutboxCounts {
        try await database.writer.read { db in
            var counts = OutboxCounts()
            for row in try Row.fetchAll(db, sql: "SELECT state, events FROM ga_outbox_state_count") {
                counts.set(state: row["state"], events: row["events"])
            }
            let oldest = try Int64.fetchOne(db, sql: "SELECT MIN(occurred_at) FROM ga_outbox WHERE state = 'queued'")
            counts.oldestQueued = oldest.map(Date.init(epochMillis:))
            return counts
        }
    }
}
