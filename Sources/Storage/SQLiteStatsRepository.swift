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
            ).compactMap { row in
                guard let reason = HitReason(rawValue: row["reason"]), let refererClass = RefererClass(rawValue: row["referer_class"]) else {
                    return nil
                }
                return QuarterHourHits(start: Date(epochMillis: row["bucket_start"]), reason: reason, refererClass: refererClass, hits: row["hits"])
            }
        }
    }

    package func siteHits(from: Date, to: Date) async throws -> SiteHits {
        let arguments: StatementArguments = [from.epochMillis, to.epochMillis]
        return try await database.writer.read { db in
            let quarterHours = try Row.fetchAll(
                db,
                sql: """
                    SELECT bucket_start, \(CountedHitsSQL.sum) AS counted, SUM(hits) AS hits FROM site_bucket
                    WHERE bucket_start >= ? AND bucket_start < ? GROUP BY bucket_start ORDER BY bucket_start
                    """,
                arguments: arguments
            ).map { QuarterHourTotals(start: Date(epochMillis: $0["bucket_start"]), counted: $0["counted"], hits: $0["hits"]) }
            let breakdown = try Row.fetchAll(
                db,
                sql: """
                    SELECT reason, referer_class, SUM(hits) AS hits FROM site_bucket
                    WHERE bucket_start >= ? AND bucket_start < ? GROUP BY reason, referer_class
                    """,
                arguments: arguments
            ).compactMap { row -> HitBreakdown? in
                guard let reason = HitReason(rawValue: row["reason"]), let refererClass = RefererClass(rawValue: row["referer_class"]) else {
                    return nil
                }
                return HitBreakdown(reason: reason, refererClass: refererClass, hits: row["hits"])
            }
            return SiteHits(quarterHours: quarterHours, breakdown: breakdown)
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
                        SELECT link_id, \(CountedHitsSQL.sum) AS counted, SUM(hits) AS hits
                        FROM click_bucket WHERE bucket_start >= ? AND bucket_start < ? GROUP BY link_id
                        """
                    }
                let rows = try Row.fetchCursor(db, sql: sql, arguments: [piece.start, piece.end])
                while let row = try rows.next() {
                    totals[row["link_id"], default: (0, 0)].counted += piece.sign * row["counted"]
                    totals[row["link_id"], default: (0, 0)].hits += piece.sign * row["hits"]
                }
            }
            return try Row.fetchAll(db, sql: "SELECT id, slug, name FROM link ORDER BY id").map { row in
                let id: Int64 = row["id"]
                let sums = totals[id] ?? (0, 0)
                return LinkTotals(linkID: id, slug: row["slug"], name: row["name"], counted: sums.counted, hits: sums.hits)
            }
        }
    }

    /// Summed from the day and hour rollups of the pages that fit the range, the rest from
    /// quarter hours; pages without views in the range are left out.
    package func pageTotals(from: Date, to: Date) async throws -> [PageTotals] {
        let split = RollupSplit(from: from, to: to, levels: Rollup.pageTables.map(\.rollup))
        return try await database.writer.read { db in
            var totals: [String: (views: Int, clicks: Int)] = [:]
            for piece in split.pieces {
                let sql =
                    if let table = piece.rollup?.pageTable, let column = piece.rollup?.startColumn {
                        "SELECT path, SUM(views) AS views, SUM(clicks) AS clicks FROM \(table) WHERE \(column) >= ? AND \(column) < ? GROUP BY path"
                    } else {
                        """
                        SELECT path, SUM(views) AS views, 0 AS clicks FROM pageview_bucket WHERE bucket_start >= ?1 AND bucket_start < ?2 GROUP BY path
                        UNION ALL
                        SELECT path, 0, SUM(counted) FROM click_referer_bucket WHERE bucket_start >= ?1 AND bucket_start < ?2 GROUP BY path
                        """
                    }
                let rows = try Row.fetchCursor(db, sql: sql, arguments: [piece.start, piece.end])
                while let row = try rows.next() {
                    totals[row["path"], default: (0, 0)].views += piece.sign * row["views"]
                    totals[row["path"], default: (0, 0)].clicks += piece.sign * row["clicks"]
                }
            }
            return totals.filter { $0.value.views > 0 }.map { PageTotals(path: $0.key, views: $0.value.views, clicks: $0.value.clicks) }
        }
    }
}
