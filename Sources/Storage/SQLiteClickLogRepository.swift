import Domain
import Foundation
import GRDB

/// Pages of the raw click log in (occurred_at, id) order, each read in its own short read
/// transaction: a long export never holds a snapshot that would keep the WAL from checkpointing.
package struct SQLiteClickLogRepository: ClickLogRepository {
    private let database: AppDatabase

    package init(database: AppDatabase) {
        self.database = database
    }

    package func clicks(_ filter: ClickLogFilter, after position: ClickLogPosition?, limit: Int) async throws -> [LoggedClick] {
        // The row-value comparison is a range on the (occurred_at, rowid) of click_on_time, or on
        // the (link_id, occurred_at, rowid) of click_on_link_time with a link.
        var conditions = ["click.occurred_at >= ?", "click.occurred_at < ?"]
        var arguments: StatementArguments = [filter.from.epochMillis, filter.to.epochMillis]
        if let linkID = filter.linkID {
            conditions.append("click.link_id = ?")
            arguments += [linkID]
        }
        if let position {
            conditions.append("(click.occurred_at, click.id) > (?, ?)")
            arguments += [position.occurredAtMillis, position.id]
        }
        arguments += [limit]
        let sql = """
            SELECT click.*, link.slug FROM click JOIN link ON link.id = click.link_id
            WHERE \(conditions.joined(separator: " AND "))
            ORDER BY click.occurred_at, click.id LIMIT ?
            """
        return try await database.writer.read { [arguments] db in
            try Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.loggedClick)
        }
    }

    private static func loggedClick(_ row: Row) throws -> LoggedClick {
        guard let reason = HitReason(rawValue: row["reason"]), let refererClass = RefererClass(rawValue: row["referer_class"]),
            let gaStatus = GAStatus(rawValue: row["ga_status"])
        else {
            // A silently skipped row would also move the export's cursor; a value this build does
            // not know means a newer schema, which must fail loudly.
            throw DatabaseError(message: "click \(row["id"] as Int64? ?? 0) holds a reason, referer class or GA status this version does not know")
        }
        return LoggedClick(
            id: row["id"], slug: row["slug"], occurredAt: Date(epochMillis: row["occurred_at"]), referer: row["referer"],
            refererClass: refererClass, reason: reason, leadSource: LeadSourceColumns.source(from: row), gaStatus: gaStatus,
            rule: row["rule"], destination: row["destination"])
    }
}
