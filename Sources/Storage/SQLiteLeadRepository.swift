import Domain
import Foundation
import GRDB

/// Lead sources in SQLite.
package struct SQLiteLeadRepository: LeadRepository {
    private let database: AppDatabase

    package init(database: AppDatabase) {
        self.database = database
    }

    package func capture(_ draft: LeadDraft, at date: Date) async throws -> Lead {
        try await database.writer.write { db in
            let columns = ["subject"] + LeadSourceColumns.names + ["landing_path", "created_at"]
            let placeholders = Array(repeating: "?", count: columns.count).joined(separator: ", ")
            var arguments: StatementArguments = [draft.subject]
            arguments += LeadSourceColumns.arguments(draft.source)
            arguments += [draft.landingPath, date.epochMillis]
            try db.execute(
                sql: "INSERT INTO lead (\(columns.joined(separator: ", "))) VALUES (\(placeholders))", arguments: arguments)
            return Lead(
                id: db.lastInsertedRowID, subject: draft.subject, source: draft.source, landingPath: draft.landingPath,
                createdAt: Date(epochMillis: date.epochMillis))
        }
    }

    package func assign(from: String, to: String) async throws -> Int {
        try await database.writer.write { db in
            try db.execute(sql: "UPDATE lead SET subject = ? WHERE subject = ?", arguments: [to, from])
            return db.changesCount
        }
    }

    package func erase(subject: String) async throws -> Int {
        try await database.writer.write { db in
            try db.execute(sql: "DELETE FROM lead WHERE subject = ?", arguments: [subject])
            return db.changesCount
        }
    }

    package func list(_ filter: LeadFilter, after: Int64?, limit: Int) async throws -> Page<Lead> {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        let equalities: [(String, String?)] = [
            ("subject", filter.subject), ("utm_source", filter.utmSource), ("utm_medium", filter.utmMedium),
            ("utm_campaign", filter.utmCampaign),
        ]
        for case let (column, value?) in equalities {
            conditions.append("\(column) = ?")
            arguments += [value]
        }
        if let after {
            conditions.append("id > ?")
            arguments += [after]
        }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        arguments += [limit + 1]
        let sql = "SELECT * FROM lead \(whereClause) ORDER BY id LIMIT ?"
        let statementArguments = arguments
        return try await database.writer.read { db in
            // One row more than asked tells whether another page exists without a COUNT.
            let rows = try Row.fetchAll(db, sql: sql, arguments: statementArguments)
            let leads = rows.prefix(limit).map(Self.lead)
            return Page(items: leads, nextAfter: rows.count > limit ? leads.last?.id : nil)
        }
    }

    private static func lead(_ row: Row) -> Lead {
        Lead(
            id: row["id"], subject: row["subject"], source: LeadSourceColumns.source(from: row),
            landingPath: row["landing_path"], createdAt: Date(epochMillis: row["created_at"]))
    }
}
