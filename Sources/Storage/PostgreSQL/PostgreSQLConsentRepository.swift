import Domain
import Foundation
import PostgresNIO

/// The consent log in PostgreSQL: rows are only ever appended.
package struct PostgreSQLConsentRepository: ConsentRepository {
    private let database: PostgreSQLDatabase

    package init(database: PostgreSQLDatabase) {
        self.database = database
    }

    package func set(
        subject: String, changes: [String: ConsentSignals.State], source: String?, at date: Date
    ) async throws -> ConsentRecord {
        let logger = database.logger
        let recordedAt = date.epochMillis
        return try await database.withTransaction { connection in
            // Two instances changing one subject take turns, so neither change is lost.
            try await connection.execute("SELECT pg_advisory_xact_lock(hashtext(\(subject)))", logger: logger)
            var signals = try await Self.newest([subject], connection, logger: logger)[subject]?.signals ?? .allDenied
            for (name, state) in changes {
                signals[name] = state
            }
            try await connection.execute(
                """
                INSERT INTO consent_log (subject, analytics_storage, ad_storage, ad_user_data, ad_personalization, source, recorded_at)
                VALUES (\(subject), \(signals.analyticsStorage.rawValue), \(signals.adStorage.rawValue), \(signals.adUserData.rawValue),
                    \(signals.adPersonalization.rawValue), \(source), \(recordedAt))
                """, logger: logger)
            return ConsentRecord(subject: subject, signals: signals, source: source, updatedAt: Date(epochMillis: recordedAt))
        }
    }

    package func current(subject: String) async throws -> ConsentRecord? {
        guard PostgreSQLText.canBeStored(subject) else { return nil }
        let logger = database.logger
        return try await database.withConnection { connection in try await Self.newest([subject], connection, logger: logger)[subject] }
    }

    package func history(subject: String) async throws -> [ConsentRecord] {
        guard PostgreSQLText.canBeStored(subject) else { return [] }
        let logger = database.logger
        return try await database.withConnection { connection in
            try await connection.rows("SELECT * FROM consent_log WHERE subject = \(subject) ORDER BY id", logger: logger, Self.record)
        }
    }

    /// The newest consent of each of `subjects` that has one, in one query.
    static func newest(_ subjects: [String], _ connection: PostgresConnection, logger: Logger) async throws -> [String: ConsentRecord] {
        guard !subjects.isEmpty else { return [:] }
        let records = try await connection.rows(
            "SELECT DISTINCT ON (subject) * FROM consent_log WHERE subject = ANY(\(subjects)) ORDER BY subject, id DESC",
            logger: logger, record)
        return Dictionary(records.map { ($0.subject, $0) }) { first, _ in first }
    }

    private static func record(_ row: PostgresRandomAccessRow) throws -> ConsentRecord {
        func state(_ column: String) throws -> ConsentSignals.State {
            ConsentSignals.State(rawValue: try row[column].decode(String.self)) ?? .denied
        }
        return ConsentRecord(
            subject: try row["subject"].decode(String.self),
            signals: ConsentSignals(
                analyticsStorage: try state("analytics_storage"), adStorage: try state("ad_storage"),
                adUserData: try state("ad_user_data"), adPersonalization: try state("ad_personalization")),
            source: try row["source"].decode(String?.self), updatedAt: Date(epochMillis: try row["recorded_at"].decode(Int64.self)))
    }
}
