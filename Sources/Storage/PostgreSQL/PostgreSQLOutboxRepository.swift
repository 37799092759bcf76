import Domain
import Foundation
import PostgresNIO

/// The GA outbox in PostgreSQL, read by the sender of every instance at once. Claiming an event
/// moves its `next_attempt_at` a lease ahead, under `FOR UPDATE SKIP LOCKED`, so each event goes
/// to one instance; if that instance dies before settling, the lease runs out and another
/// instance sends it.
package struct PostgreSQLOutboxRepository: OutboxRepository {
    /// Longer than a send can take (GA's request timeout is 10 s), short enough that a crashed
    /// instance's events leave within a minute.
    package static let lease: Duration = .seconds(60)

    private let database: PostgreSQLDatabase

    package init(database: PostgreSQLDatabase) {
        self.database = database
    }

    package func due(at now: Date, limit: Int) async throws -> [OutboxEvent] {
        let logger = database.logger
        let nowMillis = now.epochMillis
        let leaseEnd = nowMillis + Int64(Self.lease.components.seconds) * 1000
        let events = try await database.withConnection { connection in
            try await connection.rows(
                """
                UPDATE ga_outbox SET next_attempt_at = \(leaseEnd)
                WHERE id IN (
                    SELECT id FROM ga_outbox WHERE state = 'queued' AND next_attempt_at <= \(nowMillis)
                    ORDER BY next_attempt_at, id LIMIT \(limit) FOR UPDATE SKIP LOCKED)
                RETURNING id, click_id, payload, occurred_at, attempts
                """, logger: logger
            ) { row in
                OutboxEvent(
                    id: try row["id"].decode(Int64.self), clickID: try row["click_id"].decode(Int64?.self),
                    payload: Data(try row["payload"].decode(String.self).utf8),
                    occurredAt: Date(epochMillis: try row["occurred_at"].decode(Int64.self)),
                    attempts: Int(try row["attempts"].decode(Int32.self)))
            }
        }
        return events.sorted { $0.id < $1.id }
    }

    package func settle(_ outcomes: [(event: OutboxEvent, outcome: DeliveryOutcome)], at now: Date) async throws {
        let logger = database.logger
        let settledAt = now.epochMillis
        try await database.withTransaction { connection in
            for (event, outcome) in outcomes {
                // Settled events keep their state, times and error, not the visitor's GA identifiers.
                func finish(_ state: String, attempts: Int, error: String?) async throws {
                    try await connection.execute(
                        """
                        UPDATE ga_outbox SET state = \(state), attempts = attempts + \(attempts), last_error = \(error),
                            settled_at = \(settledAt), payload = '' WHERE id = \(event.id)
                        """, logger: logger)
                }
                switch outcome {
                case .retry(let error, let at):
                    try await connection.execute(
                        """
                        UPDATE ga_outbox SET attempts = attempts + 1, last_error = \(OutboxErrorText.clipped(error)),
                            next_attempt_at = \(at.epochMillis) WHERE id = \(event.id)
                        """, logger: logger)
                    continue
                case .sent:
                    try await finish("sent", attempts: 1, error: nil)
                case .failed(let error):
                    try await finish("failed", attempts: 1, error: OutboxErrorText.clipped(error))
                case .dead:
                    try await finish("dead", attempts: 0, error: OutboxErrorText.dead)
                }
                if let clickID = event.clickID {
                    // A dead event never reached GA: for the click that is a failure.
                    let status = outcome == .sent ? GAStatus.sent.rawValue : GAStatus.failed.rawValue
                    try await connection.execute("UPDATE click SET ga_status = \(status) WHERE id = \(clickID)", logger: logger)
                }
            }
        }
    }

    package func counts() async throws -> OutboxCounts {
        let logger = database.logger
        return try await database.withConnection { connection in
            var counts = OutboxCounts()
            for (state, events) in try await connection.rows("SELECT state, events FROM ga_outbox_state_count", logger: logger, {
                (try $0["state"].decode(String.self), Int(try $0["events"].decode(Int64.self)))
            }) {
                counts.set(state: state, events: events)
            }
            let oldest = try await connection.rows("SELECT MIN(occurred_at) AS oldest FROM ga_outbox WHERE state = 'queued'", logger: logger) {
                try $0["oldest"].decode(Int64?.self)
            }.first ?? nil
            counts.oldestQueued = oldest.map(Date.init(epochMillis:))
            return counts
        }
    }
}

/// What an outbox row keeps of an error, on both backends.
enum OutboxErrorText {
    /// How much of GA's answer is kept with a failed event: enough to read the reason.
    static let maxLength = 500
    static let dead = "older than GA's 72-hour backdating limit"

    static func clipped(_ error: String) -> String {
        String(error.prefix(maxLength))
    }
}

extension OutboxCounts {
    mutating func set(state: String, events: Int) {
        switch state {
        case "queued": queued = events
        case "sent": sent = events
        case "failed": failed = events
        case "dead": dead = events
        default: break
        }
    }
}
