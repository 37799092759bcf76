import Domain
import Foundation
import PostgresNIO

/// Pages of the raw click log in (occurred_at, id) order; each page is one short statement, so
/// a long export holds no snapshot open.
package struct PostgreSQLClickLogRepository: ClickLogRepository {
    private let database: PostgreSQLDatabase

    package init(database: PostgreSQLDatabase) {
        self.database = database
    }

    package func clicks(_ filter: ClickLogFilter, after position: ClickLogPosition?, limit: Int) async throws -> [LoggedClick] {
        var binds = PostgresBindings()
        binds.append(filter.from.epochMillis)
        binds.append(filter.to.epochMillis)
        var conditions = ["click.occurred_at >= $1", "click.occurred_at < $2"]
        if let linkID = filter.linkID {
            binds.append(linkID)
            conditions.append("click.link_id = $\(binds.count)")
        }
        if let position {
            binds.append(position.occurredAtMillis)
            binds.append(position.id)
            conditions.append("(click.occurred_at, click.id) > ($\(binds.count - 1), $\(binds.count))")
        }
        binds.append(limit)
        let query = PostgresQuery(
            unsafeSQL: """
                SELECT click.*, link.slug FROM click JOIN link ON link.id = click.link_id
                WHERE \(conditions.joined(separator: " AND ")) ORDER BY click.occurred_at, click.id LIMIT $\(binds.count)
                """, binds: binds)
        let logger = database.logger
        return try await database.withConnection { connection in
            try await connection.rows(query, logger: logger) { row in
                let id = try row["id"].decode(Int64.self)
                guard let reason = HitReason(rawValue: try row["reason"].decode(String.self)),
                    let refererClass = RefererClass(rawValue: try row["referer_class"].decode(String.self)),
                    let gaStatus = GAStatus(rawValue: try row["ga_status"].decode(String.self))
                else {
                    throw PostgreSQLFailure(sqlState: nil, description: "click \(id) holds a reason, referer class or GA status this version does not know")
                }
                return LoggedClick(
                    id: id, slug: try row["slug"].decode(String.self), occurredAt: Date(epochMillis: try row["occurred_at"].decode(Int64.self)),
                    referer: try row["referer"].decode(String?.self), refererClass: refererClass, reason: reason,
                    leadSource: try LeadSourceColumns.source(from: row), gaStatus: gaStatus,
                    rule: try row["rule"].decode(Int32?.self).map(Int.init), destination: try row["destination"].decode(Int32?.self).map(Int.init))
            }
        }
    }
}
