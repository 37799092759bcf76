import Domain
import Foundation
import PostgresNIO

/// Stats over the aggregate tables in PostgreSQL: the same queries as on SQLite, with text
/// ordered byte-wise (`COLLATE "C"`) as SQLite does, so ties break alike on both.
package struct PostgreSQLStatsRepository: StatsRepository {
    private let database: PostgreSQLDatabase

    package init(database: PostgreSQLDatabase) {
        self.database = database
    }

    package func quarterHourHits(linkID: Int64, from: Date, to: Date) async throws -> [QuarterHourHits] {
        let logger = database.logger
        return try await database.withConnection { connection in
            try await connection.rows(
                """
                SELECT bucket_start, reason, referer_class, hits FROM click_bucket
                WHERE link_id = \(linkID) AND bucket_start >= \(from.epochMillis) AND bucket_start < \(to.epochMillis) ORDER BY bucket_start
                """, logger: logger
            ) { row -> QuarterHourHits? in
                guard let reason = HitReason(rawValue: try row["reason"].decode(String.self)),
                    let refererClass = RefererClass(rawValue: try row["referer_class"].decode(String.self))
                else { return nil }
                return QuarterHourHits(
                    start: Date(epochMillis: try row["bucket_start"].decode(Int64.self)), reason: reason, refererClass: refererClass,
                    hits: Int(try row["hits"].decode(Int64.self)))
            }.compactMap { $0 }
        }
    }

    package func siteHits(from: Date, to: Date) async throws -> SiteHits {
        let logger = database.logger
        let (start, end) = (from.epochMillis, to.epochMillis)
        return try await database.withTransaction { connection in
            // Both sums from one snapshot, so the totals equal the series' sum.
            try await connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger: logger)
            let quarterHours = try await connection.rows(
                """
                SELECT bucket_start, \(unescaped: CountedHitsSQL.sum)::bigint AS counted, SUM(hits)::bigint AS hits
                FROM site_bucket WHERE bucket_start >= \(start) AND bucket_start < \(end) GROUP BY bucket_start ORDER BY bucket_start
                """, logger: logger
            ) { row in
                QuarterHourTotals(
                    start: Date(epochMillis: try row["bucket_start"].decode(Int64.self)), counted: Int(try row["counted"].decode(Int64.self)),
                    hits: Int(try row["hits"].decode(Int64.self)))
            }
            let breakdown = try await connection.rows(
                """
                SELECT reason, referer_class, SUM(hits)::bigint AS hits FROM site_bucket
                WHERE bucket_start >= \(start) AND bucket_start < \(end) GROUP BY reason, referer_class
                """, logger: logger
            ) { row -> HitBreakdown? in
                guard let reason = HitReason(rawValue: try row["reason"].decode(String.self)),
                    let refererClass = RefererClass(rawValue: try row["referer_class"].decode(String.self))
                else { return nil }
                return HitBreakdown(reason: reason, refererClass: refererClass, hits: Int(try row["hits"].decode(Int64.self)))
            }.compactMap { $0 }
            return SiteHits(quarterHours: quarterHours, breakdown: breakdown)
        }
    }

    package func topReferers(linkID: Int64, from: Date, to: Date, limit: Int) async throws -> [RefererCount] {
        let logger = database.logger
        return try await database.withConnection { connection in
            try await connection.rows(
                """
                SELECT path, SUM(counted)::bigint AS counted FROM click_referer_bucket
                WHERE link_id = \(linkID) AND bucket_start >= \(from.epochMillis) AND bucket_start < \(to.epochMillis)
                GROUP BY path ORDER BY counted DESC, path COLLATE "C" LIMIT \(limit)
                """, logger: logger
            ) { RefererCount(path: try $0["path"].decode(String.self), counted: Int(try $0["counted"].decode(Int64.self))) }
        }
    }

    package func routeTotals(linkID: Int64, from: Date, to: Date) async throws -> [RouteTotals] {
        let logger = database.logger
        return try await database.withConnection { connection in
            try await connection.rows(
                """
                SELECT kind, route_index, SUM(counted)::bigint AS counted, SUM(hits)::bigint AS hits FROM click_route_bucket
                WHERE link_id = \(linkID) AND bucket_start >= \(from.epochMillis) AND bucket_start < \(to.epochMillis) GROUP BY kind, route_index
                """, logger: logger
            ) { row in
                (RouteKind(rawValue: try row["kind"].decode(String.self)), Int(try row["route_index"].decode(Int32.self)),
                 Int(try row["counted"].decode(Int64.self)), Int(try row["hits"].decode(Int64.self)))
            }.compactMap { kind, index, counted, hits in kind.map { RouteTotals(kind: $0, index: index, counted: counted, hits: hits) } }
        }
    }

    package func topSources(linkID: Int64, from: Date, to: Date, limit: Int) async throws -> [SourceCount] {
        let logger = database.logger
        return try await database.withConnection { connection in
            try await connection.rows(
                """
                SELECT utm_source, utm_medium, utm_campaign, SUM(counted)::bigint AS counted FROM click_source_bucket
                WHERE link_id = \(linkID) AND bucket_start >= \(from.epochMillis) AND bucket_start < \(to.epochMillis)
                GROUP BY utm_source, utm_medium, utm_campaign
                ORDER BY counted DESC, utm_source COLLATE "C", utm_medium COLLATE "C", utm_campaign COLLATE "C" LIMIT \(limit)
                """, logger: logger
            ) { row in
                func absentIfEmpty(_ text: String) -> String? { text.isEmpty ? nil : text }
                return SourceCount(
                    utmSource: try row["utm_source"].decode(String.self), utmMedium: absentIfEmpty(try row["utm_medium"].decode(String.self)),
                    utmCampaign: absentIfEmpty(try row["utm_campaign"].decode(String.self)), counted: Int(try row["counted"].decode(Int64.self)))
            }
        }
    }

    /// Summed from the coarsest rollups that fit the range (Rollup), the rest from quarter hours.
    package func linkTotals(from: Date, to: Date) async throws -> [LinkTotals] {
        let split = RollupSplit(from: from, to: to)
        let logger = database.logger
        return try await database.withConnection { connection in
            var totals: [Int64: (counted: Int, hits: Int)] = [:]
            for piece in split.pieces {
                let query: PostgresQuery =
                    if let rollup = piece.rollup {
                        """
                        SELECT link_id, SUM(counted)::bigint AS counted, SUM(hits)::bigint AS hits FROM \(unescaped: rollup.table)
                        WHERE \(unescaped: rollup.startColumn) >= \(piece.start) AND \(unescaped: rollup.startColumn) < \(piece.end) GROUP BY link_id
                        """
                    } else {
                        """
                        SELECT link_id, \(unescaped: CountedHitsSQL.sum)::bigint AS counted, SUM(hits)::bigint AS hits
                        FROM click_bucket WHERE bucket_start >= \(piece.start) AND bucket_start < \(piece.end) GROUP BY link_id
                        """
                    }
                for (linkID, counted, hits) in try await connection.rows(query, logger: logger, {
                    (try $0["link_id"].decode(Int64.self), Int(try $0["counted"].decode(Int64.self)), Int(try $0["hits"].decode(Int64.self)))
                }) {
                    totals[linkID, default: (0, 0)].counted += piece.sign * counted
                    totals[linkID, default: (0, 0)].hits += piece.sign * hits
                }
            }
            return try await connection.rows("SELECT id, slug, name FROM link ORDER BY id", logger: logger) { row in
                let id = try row["id"].decode(Int64.self)
                let sums = totals[id] ?? (0, 0)
                return LinkTotals(
                    linkID: id, slug: try row["slug"].decode(String.self), name: try row["name"].decode(String.self),
                    counted: sums.counted, hits: sums.hits)
            }
        }
    }

    /// Summed from the day and hour rollups of the pages that fit the range, the rest from
    /// quarter hours; pages without views in the range are left out.
    package func pageTotals(from: Date, to: Date) async throws -> [PageTotals] {
        let split = RollupSplit(from: from, to: to, levels: Rollup.pageTables.map(\.rollup))
        let logger = database.logger
        return try await database.withConnection { connection in
            var totals: [String: (views: Int, clicks: Int)] = [:]
            for piece in split.pieces {
                let (start, end) = (piece.start, piece.end)
                let query: PostgresQuery =
                    if let table = piece.rollup?.pageTable, let column = piece.rollup?.startColumn {
                        """
                        SELECT path, SUM(views)::bigint AS views, SUM(clicks)::bigint AS clicks FROM \(unescaped: table)
                        WHERE \(unescaped: column) >= \(start) AND \(unescaped: column) < \(end) GROUP BY path
                        """
                    } else {
                        """
                        SELECT path, SUM(views)::bigint AS views, 0::bigint AS clicks FROM pageview_bucket
                        WHERE bucket_start >= \(start) AND bucket_start < \(end) GROUP BY path
                        UNION ALL
                        SELECT path, 0::bigint, SUM(counted)::bigint FROM click_referer_bucket
                        WHERE bucket_start >= \(start) AND bucket_start < \(end) GROUP BY path
                        """
                    }
                for (path, views, clicks) in try await connection.rows(query, logger: logger, {
                    (try $0["path"].decode(String.self), Int(try $0["views"].decode(Int64.self)), Int(try $0["clicks"].decode(Int64.self)))
                }) {
                    totals[path, default: (0, 0)].views += piece.sign * views
                    totals[path, default: (0, 0)].clicks += piece.sign * clicks
                }
            }
            return totals.filter { $0.value.views > 0 }.map { PageTotals(path: $0.key, views: $0.value.views, clicks: $0.value.clicks) }
        }
    }
}
