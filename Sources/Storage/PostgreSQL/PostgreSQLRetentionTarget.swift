import Foundation
import PostgresNIO

/// Retention on a database that several instances share: one purges at a time, under a session
/// advisory lock taken with `pg_try_advisory_lock`; the others skip that round.
package struct PostgreSQLRetentionTarget: RetentionTarget {
    /// "retentio" in ASCII.
    static let lockKey: Int64 = 0x7265_7465_6E74_696F

    let database: PostgreSQLDatabase

    package init(database: PostgreSQLDatabase) {
        self.database = database
    }

    package func deleteClicks(before cutoff: Int64, limit: Int) async throws -> Int {
        try await delete(
            "WITH gone AS (DELETE FROM click WHERE id IN (SELECT id FROM click WHERE occurred_at < \(cutoff) ORDER BY occurred_at LIMIT \(limit)) RETURNING 1) SELECT COUNT(*) FROM gone")
    }

    package func deleteSettledEvents(before cutoff: Int64, limit: Int) async throws -> Int {
        try await delete(
            """
            WITH gone AS (DELETE FROM ga_outbox WHERE id IN (
                SELECT id FROM ga_outbox WHERE state <> 'queued' AND settled_at < \(cutoff) LIMIT \(limit)) RETURNING 1)
            SELECT COUNT(*) FROM gone
            """)
    }

    package func exclusively<Result: Sendable>(_ body: @escaping @Sendable () async throws -> Result) async throws -> Result? {
        let logger = database.logger
        // The lock belongs to this connection's session, held while the purge's batches run on
        // others; if the connection dies, PostgreSQL releases it.
        return try await database.withConnection(runningAtMost: nil) { connection in
            let locked = try await connection.rows("SELECT pg_try_advisory_lock(\(Self.lockKey)) AS locked", logger: logger) {
                try $0["locked"].decode(Bool.self)
            }.first ?? false
            guard locked else { return nil }
            do {
                let result = try await body()
                try await connection.execute("SELECT pg_advisory_unlock(\(Self.lockKey))", logger: logger)
                return result
            } catch {
                try? await connection.execute("SELECT pg_advisory_unlock(\(Self.lockKey))", logger: logger)
                throw error
            }
        }
    }

    private func delete(_ query: PostgresQuery) async throws -> Int {
        let logger = database.logger
        return try await database.withConnection { connection in try await connection.integer(query, logger: logger) }
    }
}
