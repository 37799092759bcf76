import Domain
import Foundation
import GRDB

/// The consent log in SQLite: rows are only ever appended.
package struct SQLiteConsentRepository: ConsentRepository {
    private let database: AppDatabase

    package init(database: AppDatabase) {
        self.database = database
    }

    package func set(
        subject: String, changes: [String: ConsentSignals.State], source: String?, at date: Date
    ) async throws -> ConsentRecord {
        try await database.writer.write { db in
            // Read and append in one transaction: two changes of one subject never lose each other.
            var signals = try Self.newest(subject, db)?.signals ?? .allDenied
            for (name, state) in changes {
                signals[name] = state
            }
            let recordedAt = date.epochMillis
            try db.execute(
                sql: """
                    INSERT INTO consent_log (subject, analytics_storage, ad_storage, ad_user_data, ad_personalization, source, recorded_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    subject, signals.analyticsStorage.rawValue, signals.adStorage.rawValue, signals.adUserData.rawValue,
                    signals.adPersonalization.rawValue, source, recordedAt,
                ])
            return ConsentRecord(subject: subject, signals: signals, source: source, updatedAt: Date(epochMillis: recordedAt))
        }
    }

    package func current(subject: String) async throws -> ConsentRecord? {
        try await database.writer.read { db in try Self.newest(subject, db) }
    }

    package func history(subject: String) async throws -> [ConsentRecord] {
        try await database.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM consent_log WHERE subject = ? ORDER BY id", arguments: [subject])
                .map(Self.record)
        }
    }

    static func newest(_ subject: String, _ db: Database) throws -> ConsentRecord? {
        try Row.fetchOne(db, sql: "SELECT * FROM consent_log WHERE subject = ? ORDER BY id DESC LIMIT 1", arguments: [subject])
            .map(record)
    }

    private static func record(_ row: Row) -> ConsentRecord {
        func state(_ column: String) -> ConsentSignals.State {
            ConsentSignals.State(rawValue: row[column]) ?? .denied
        }
        return ConsentRecord(
            subject: row["subject"],
            signals: ConsentSignals(
                analyticsStorage: state("analytics_storage"), adStorage: state("ad_storage"),
                adUserData: state("ad_user_data"), adPersonalization: state("ad_personalization")),
            source: row["source"], updatedAt: Date(epochMillis: row["recorded_at"]))
    }
}
