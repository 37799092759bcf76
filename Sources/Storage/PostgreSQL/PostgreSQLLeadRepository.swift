import Domain
import Foundation
import PostgresNIO

/// Lead sources in PostgreSQL.
package struct PostgreSQLLeadRepository: LeadRepository {
    private let database: PostgreSQLDatabase

    package init(database: PostgreSQLDatabase) {
        self.database = database
    }

    package func capture(_ draft: LeadDraft, at date: Date) async throws -> Lead {
        let columns = ["subject"] + LeadSourceColumns.names + ["landing_path", "created_at"]
        var binds = PostgresBindings()
        binds.append(draft.subject)
        LeadSourceColumns.append(draft.source, to: &binds)
        binds.append(draft.landingPath)
        binds.append(date.epochMillis)
        let query = PostgresQuery(
            unsafeSQL: "INSERT INTO lead (\(columns.joined(separator: ", "))) VALUES (\(PostgresBindings.placeholders(binds.count))) RETURNING id", binds: binds)
        let logger = database.logger
        let id = try await database.withConnection { connection in try await connection.integer(query, logger: logger) }
        return Lead(
            id: Int64(id), subject: draft.subject, source: draft.source, landingPath: draft.landingPath,
            createdAt: Date(epochMillis: date.epochMillis))
    }

    package func assign(from: String, to: String) async throws -> Int {
        guard PostgreSQLText.canBeStored(from, to) else { return 0 }
        let logger = database.logger
        return try await database.withConnection { connection in
            try await connection.integer(
                "WITH moved AS (UPDATE lead SET subject = \(to) WHERE subject = \(from) RETURNING 1) SELECT COUNT(*) FROM moved",
                logger: logger)
        }
    }

    package func erase(subject: String) async throws -> Int {
        guard PostgreSQLText.canBeStored(subject) else { return 0 }
        let logger = database.logger
        return try await database.withConnection { connection in
            try await connection.integer(
                "WITH gone AS (DELETE FROM lead WHERE subject = \(subject) RETURNING 1) SELECT COUNT(*) FROM gone", logger: logger)
        }
    }

    package func list(_ filter: LeadFilter, after: Int64?, limit: Int) async throws -> Page<Lead> {
        guard PostgreSQLText.canBeStored(filter.subject, filter.utmSource, filter.utmMedium, filter.utmCampaign) else {
            return Page(items: [], nextAfter: nil)
        }
        var binds = PostgresBindings()
        var conditions: [String] = []
        let equalities: [(String, String?)] = [
            ("subject", filter.subject), ("utm_source", filter.utmSource), ("utm_medium", filter.utmMedium),
            ("utm_campaign", filter.utmCampaign),
        ]
        for case let (column, value?) in equalities {
            binds.append(value)
            conditions.append("\(column) = $\(binds.count)")
        }
        binds.append(after ?? 0)
        conditions.append("id > $\(binds.count)")
        binds.append(limit + 1)
        let query = PostgresQuery(
            unsafeSQL: "SELECT * FROM lead WHERE \(conditions.joined(separator: " AND ")) ORDER BY id LIMIT $\(binds.count)",
            binds: binds)
        let logger = database.logger
        // One row more than asked tells whether another page exists without a COUNT.
        let leads = try await database.withConnection { connection in
            try await connection.rows(query, logger: logger) { row in
                Lead(
                    id: try row["id"].decode(Int64.self), subject: try row["subject"].decode(String.self),
                    source: try LeadSourceColumns.source(from: row), landingPath: try row["landing_path"].decode(String?.self),
                    createdAt: Date(epochMillis: try row["created_at"].decode(Int64.self)))
            }
        }
        let page = Array(leads.prefix(limit))
        return Page(items: page, nextAfter: leads.count > limit ? page.last?.id : nil)
    }
}
