import Domain
import Foundation
import PostgresNIO

/// The GA outbox's PostgreSQL side of a hit's transaction.
enum PostgreSQLOutboxQueue {
    struct Event: Encodable {
        var click_id: Int64?
        var event: String
        var payload: String
        var occurred_at: Int64
    }

    /// Queues `events` in one statement.
    static func enqueue(_ events: [Event], _ connection: PostgresConnection, logger: Logger) async throws {
        guard !events.isEmpty else { return }
        let now = Date().epochMillis
        try await connection.execute(
            """
            INSERT INTO ga_outbox (click_id, event, payload, occurred_at, created_at, state, next_attempt_at)
            SELECT click_id, event, payload, occurred_at, \(now), 'queued', \(now)
            FROM json_to_recordset(\(try JSONRows.encode(events))::json)
                AS t(click_id BIGINT, event TEXT, payload TEXT, occurred_at BIGINT)
            """, logger: logger)
    }
}
