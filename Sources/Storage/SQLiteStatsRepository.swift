import Domain
import Foundation
import GRDB

/// Stats over the aggregate tables; the raw click log is never scanned.
package struct SQLiteStatsRepository: StatsRepository {
    private let database: AppDatabase

    package init(database: AppDatabase) {
        self.database = database
    }

    package func quarterHourHits(linkID: Int64, from: Date, to: Date) async throws -> [QuarterHourHits] {
        try await database.writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT bucket_start, reason, referer_class, hits FROM click_bucket
                    WHERE link_id = ? AND bucket_start >= ? AND bucket_start < ? ORDER BY bucket_start
                    """,
                arguments: [linkID, from.epochMillis, to.epochMillis]
            ).compactMap(Self.quarterHourHits)
        }
    }

    private static func quarterHourHits(_ row: Row) -> QuarterHourHits? {
        guard let reason = HitReason(rawValue: row["reason"]), let refererClass = RefererClass(rawValue: row["referer_class"]) else {
            return nil
        }
        return QuarterHourHits(start: Date(epochMillis: row["bucket_start"]), reason: reason, refererClass: refererClass, hits: row["hits"])
    }

    package func siteQuarterHourHits(from: Date, to: Date) async throws -> [QuarterHourHits] {
        try await database.writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT bucket_start, reason, referer_class, hits FROM site_bucket
                    WHERE bucket_start >= ? AND bucket_start < ? ORDER BY bucket_start
                    """,
                arguments: [from.epochMillis, to.epochMillis]
            ).compactMap(Self.quarterHourHits)
        }
    }

    package func topReferers(linkID: Int64, from: Date, to: Date, limit: Int) async throws -> [RefererCount] {
        try await database.writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT path, SUM(counted) AS counted FROM click_referer_bucket
                    WHERE link_id = ? AND bucket_start >= ? AND bucket_start < ?
                    GROUP BY path ORDER BY counted DESC, path LIMIT ?
                    """,
                arguments: [linkID, from.epochMillis, to.epochMillis, limit]
            ).map { RefererCount(path: $0["path"], counted: $0["counted"]) }
        }
    }

    package func topSources(linkID: Int64, from: Date, to: Date, limit: Int) async throws -> [SourceCount] {
        try await database.writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT utm_source, utm_medium, utm_campaign, SUM(counted) AS counted FROM click_source_bucket
                    WHERE link_id = ? AND bucket_start >= ? AND bucket_start < ?
                    GROUP BY utm_source, utm_medium, utm_campaign ORDER BY counted DESC, utm_source, utm_medium, utm_campaign LIMIT ?
                    """,
                arguments: [linkID, from.epochMillis, to.epochMillis, limit]
            ).map { row in
                func absentIfEmpty(_ text: String) -> String? { text.isEmpty ? nil : text }
                return SourceCount(
                    utmSource: row["utm_source"], utmMedium: absentIfEmpty(row["utm_medium"]),
                    utmCampaign: absentIfEmpty(row["utm_campaign"]), counted: row["counted"])
            }
        }
    }

    package func routeTotals(linkID: Int64, from: Date, to: Date) async throws -> [RouteTotals] {
        try await database.writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT kind, route_index, SUM(counted) AS counted, SUM(hits) AS hits FROM click_route_bucket
                    WHERE link_id = ? AND bucket_start >= ? AND bucket_start < ? GROUP BY kind, route_index
                    """,
                arguments: [linkID, from.epochMillis, to.epochMillis]
            ).compactMap { row in
                RouteKind(rawValue: row["kind"]).map { RouteTotals(kind: $0, index: row["route_index"], counted: row["counted"], hits: row["hits"]) }
            }
        }
    }

    /// Summed from the coarsest rollups that fit the range (Rollup), the rest from quarter hours.
    package func linkTotals(from: Date, to: Date) async throws -> [LinkTotals] {
        let split = RollupSplit(from: from, to: to)
        return try await database.writer.read { db in
            var totals: [Int64: (counted: Int, hits: Int)] = [:]
            for piece in split.pieces {
                let sql =
                    if let rollup = piece.rollup {
                        """
                        SELECT link_id, SUM(counted) AS counted, SUM(hits) AS hits FROM \(rollup.table)
                        WHERE \(rollup.startColumn) >= ? AND \(rollup.startColumn) < ? GROUP BY link_id
                        """
                    } else {
                        """
                        SELECT link_id, SUM(CASE WHEN reason = 'ok' THEN hits ELSE 0 END) AS counted, SUM(hits) AS hits
                        FROM click_bucket WHERE bucket_start >= ? AND bucket_start < ? GROUP BY link_id
                        """
                    }
                let rows = try Row.fetchCursor(db, sql: sql, arguments: [piece.start, piece.end])
                while let row = try rows.next() {
                    totals[row["link_id"], default: (0, 0)].counted += row["counted"]
                    totals[row["link_id"], default: (0, 0)].hits += row["hits"]
                }
            }
            return try Row.fetchAll(db, sql: "SELECT id, slug, name FROM link ORDER BY id").map { row in
                let id: Int64 = row["id"]
                let sums = totals[id] ?? (0, 0)
                return LinkTotals(linkID: id, slug: row["slug"], name: row["name"], counted: sums.counted, hits: sums.hits)
            }
        }
    }

    package func pageTotals(from: Date, to: Date) async throws -> [PageTotals] {
        let arguments: StatementArguments = [from.epochMillis, to.epochMillis]
        return try await database.writer.read { db in
            let views = try Row.fetchAll(
                db, sql: "SELECT path, SUM(views) AS views FROM pageview_bucket WHERE bucket_start >= ? AND bucket_start < ? GROUP BY path",
                arguments: arguments)
            let clicks = Dictionary(
                uniqueKeysWithValues: try Row.fetchAll(
                    db,
                    sql: "SELECT path, SUM(counted) AS counted FROM click_referer_bucket WHERE bucket_start >= ? AND bucket_start < ? GROUP BY path",
                    arguments: arguments
                ).map { ($0["path"] as String, $0["counted"] as Int) })
            return views.map { row in
                let path: String = row["path"]
                return PageTotals(path: path, views: row["views"], clicks: clicks[path] ?? 0)
            }
        }
    }
}
