import Domain
import Foundation
import GRDB
import Logging
import PostgresNIO

/// The aggregates kept beside the click log, summed over a batch and added in its transaction,
/// so stats read them instead of the raw rows and survive the rows' retention.
struct ClickAggregates {
    private var counters: [Int64: Int] = [:]
    private var buckets: [BucketKey: Int] = [:]
    private var rollups: [RollupKey: Totals] = [:]
    private var site: [SiteKey: Int] = [:]
    private var pageClicks: [PageKey: Int] = [:]
    private var referers: [RefererKey: Int] = [:]
    private var sources: [SourceKey: Int] = [:]
    private var routes: [RouteKey: Totals] = [:]

    mutating func add(_ click: ClickRecord) {
        let verdict = click.verdict
        let millis = click.occurredAt.epochMillis
        let quarter = AggregateBucket.quarterHourStart(of: millis)
        buckets[BucketKey(linkID: click.linkID, start: quarter, reason: verdict.reason.rawValue, refererClass: verdict.refererClass.rawValue), default: 0] += 1
        site[SiteKey(start: quarter, reason: verdict.reason.rawValue, refererClass: verdict.refererClass.rawValue), default: 0] += 1
        for rollup in Rollup.allCases {
            rollups[RollupKey(rollup: rollup, linkID: click.linkID, start: rollup.start(of: millis)), default: Totals()].add(counted: verdict.counted)
        }
        if let rule = click.rule {
            routes[RouteKey(linkID: click.linkID, start: quarter, kind: .rule, index: rule), default: Totals()].add(counted: verdict.counted)
        }
        if let destination = click.destination {
            routes[RouteKey(linkID: click.linkID, start: quarter, kind: .destination, index: destination), default: Totals()].add(counted: verdict.counted)
        }
        guard verdict.counted else { return }
        counters[click.linkID, default: 0] += 1
        if verdict.refererClass == .internal, let referer = verdict.referer {
            let path = Referer.path(ofStored: referer)
            referers[RefererKey(linkID: click.linkID, start: quarter, path: path), default: 0] += 1
            for (rollup, _) in Rollup.pageTables {
                pageClicks[PageKey(rollup: rollup, path: path, start: rollup.start(of: millis)), default: 0] += 1
            }
        }
        let lead = verdict.leadSource
        if let source = lead.utmSource {
            sources[SourceKey(linkID: click.linkID, start: quarter, source: source, medium: lead.utmMedium ?? "", campaign: lead.utmCampaign ?? ""), default: 0] += 1
        }
    }

    /// Adds the sums; answers the links' click counts after the batch.
    func write(_ db: Database) throws -> [Int64: Int64] {
        let bumpCounter = try db.cachedStatement(sql: "UPDATE link SET click_count = click_count + ? WHERE id = ? RETURNING click_count")
        var clickCounts: [Int64: Int64] = [:]
        for (linkID, count) in counters {
            clickCounts[linkID] = try Int64.fetchOne(bumpCounter, arguments: [count, linkID])
        }
        let addToBucket = try db.cachedStatement(sql: """
            INSERT INTO click_bucket (link_id, bucket_start, reason, referer_class, hits) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (link_id, bucket_start, reason, referer_class) DO UPDATE SET hits = hits + excluded.hits
            """)
        for (key, hits) in buckets {
            try addToBucket.execute(arguments: [key.linkID, key.start, key.reason, key.refererClass, hits])
        }
        for rollup in Rollup.allCases {
            let addToRollup = try db.cachedStatement(sql: """
                INSERT INTO \(rollup.table) (link_id, \(rollup.startColumn), counted, hits) VALUES (?, ?, ?, ?)
                ON CONFLICT (link_id, \(rollup.startColumn)) DO UPDATE SET counted = counted + excluded.counted, hits = hits + excluded.hits
                """)
            for (key, totals) in rollups where key.rollup == rollup {
                try addToRollup.execute(arguments: [key.linkID, key.start, totals.counted, totals.hits])
            }
        }
        for (rollup, table) in Rollup.pageTables {
            let addToPage = try db.cachedStatement(sql: """
                INSERT INTO \(table) (path, \(rollup.startColumn), clicks) VALUES (?, ?, ?)
                ON CONFLICT (path, \(rollup.startColumn)) DO UPDATE SET clicks = clicks + excluded.clicks
                """)
            for (key, clicks) in pageClicks where key.rollup == rollup {
                try addToPage.execute(arguments: [key.path, key.start, clicks])
            }
        }
        let addToSite = try db.cachedStatement(sql: """
            INSERT INTO site_bucket (bucket_start, reason, referer_class, hits) VALUES (?, ?, ?, ?)
            ON CONFLICT (bucket_start, reason, referer_class) DO UPDATE SET hits = hits + excluded.hits
            """)
        for (key, hits) in site {
            try addToSite.execute(arguments: [key.start, key.reason, key.refererClass, hits])
        }
        let addToReferer = try db.cachedStatement(sql: """
            INSERT INTO click_referer_bucket (link_id, bucket_start, path, counted) VALUES (?, ?, ?, ?)
            ON CONFLICT (link_id, bucket_start, path) DO UPDATE SET counted = counted + excluded.counted
            """)
        for (key, counted) in referers {
            try addToReferer.execute(arguments: [key.linkID, key.start, key.path, counted])
        }
        let addToSource = try db.cachedStatement(sql: """
            INSERT INTO click_source_bucket (link_id, bucket_start, utm_source, utm_medium, utm_campaign, counted) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (link_id, bucket_start, utm_source, utm_medium, utm_campaign) DO UPDATE SET counted = counted + excluded.counted
            """)
        for (key, counted) in sources {
            try addToSource.execute(arguments: [key.linkID, key.start, key.source, key.medium, key.campaign, counted])
        }
        let addToRoute = try db.cachedStatement(sql: """
            INSERT INTO click_route_bucket (link_id, bucket_start, kind, route_index, counted, hits) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (link_id, bucket_start, kind, route_index) DO UPDATE SET counted = counted + excluded.counted, hits = hits + excluded.hits
            """)
        for (key, totals) in routes {
            try addToRoute.execute(arguments: [key.linkID, key.start, key.kind.rawValue, key.index, totals.counted, totals.hits])
        }
        return clickCounts
    }

    private struct Totals {
        var counted = 0
        var hits = 0

        mutating func add(counted isCounted: Bool) {
            hits += 1
            if isCounted { counted += 1 }
        }
    }

    private struct BucketKey: Hashable {
        var linkID: Int64
        var start: Int64
        var reason: String
        var refererClass: String
    }

    private struct RollupKey: Hashable {
        var rollup: Rollup
        var linkID: Int64
        var start: Int64
    }

    /// A page path's counted clicks on any link, per rollup period.
    private struct PageKey: Hashable {
        var rollup: Rollup
        var path: String
        var start: Int64
    }

    /// All links together, for the overview's series and totals.
    private struct SiteKey: Hashable {
        var start: Int64
        var reason: String
        var refererClass: String
    }

    private struct RefererKey: Hashable {
        var linkID: Int64
        var start: Int64
        var path: String
    }

    /// A rule's or a weighted destination's hits: `kind` says which list `index` points into.
    private struct RouteKey: Hashable {
        var linkID: Int64
        var start: Int64
        var kind: RouteKind
        var index: Int
    }

    private struct SourceKey: Hashable {
        var linkID: Int64
        var start: Int64
        var source: String
        var medium: String
        var campaign: String
    }
}

extension ClickAggregates {
    /// Adds the batch's sums in PostgreSQL, each table in one statement with its keys sorted:
    /// instances upserting the same keys take the row locks in one order and cannot deadlock.
    func write(_ connection: PostgresConnection, logger: Logger) async throws -> [Int64: Int64] {
        struct Counter: Encodable { var id: Int64; var n: Int }
        let counterRows = counters.sorted { $0.key < $1.key }.map { Counter(id: $0.key, n: $0.value) }
        var clickCounts: [Int64: Int64] = [:]
        if !counterRows.isEmpty {
            // Locked in id order first: the update's join may visit the rows in any order, and
            // two batches locking shared links in different orders could deadlock.
            try await connection.execute(
                "SELECT id FROM link WHERE id = ANY(\(counterRows.map(\.id))) ORDER BY id FOR NO KEY UPDATE", logger: logger)
            let counts = try await connection.rows(
                """
                UPDATE link SET click_count = click_count + t.n
                FROM json_to_recordset(\(try JSONRows.encode(counterRows))::json) AS t(id BIGINT, n BIGINT) WHERE link.id = t.id
                RETURNING link.id, link.click_count
                """, logger: logger
            ) { (try $0["id"].decode(Int64.self), try $0["click_count"].decode(Int64.self)) }
            for (id, count) in counts { clickCounts[id] = count }
        }
        struct Bucket: Encodable { var link_id: Int64; var bucket_start: Int64; var reason: String; var referer_class: String; var hits: Int }
        try await connection.addToSums(
            buckets.sorted { ($0.key.linkID, $0.key.start, $0.key.reason, $0.key.refererClass) < ($1.key.linkID, $1.key.start, $1.key.reason, $1.key.refererClass) }
                .map { Bucket(link_id: $0.key.linkID, bucket_start: $0.key.start, reason: $0.key.reason, referer_class: $0.key.refererClass, hits: $0.value) },
            into: "click_bucket", columns: "link_id BIGINT, bucket_start BIGINT, reason TEXT, referer_class TEXT, hits BIGINT",
            key: "link_id, bucket_start, reason, referer_class", add: ["hits"], logger: logger)
        for rollup in Rollup.allCases {
            try await connection.addToSums(
                rollups.filter { $0.key.rollup == rollup }.sorted { ($0.key.linkID, $0.key.start) < ($1.key.linkID, $1.key.start) }
                    .map { ["link_id": .int($0.key.linkID), rollup.startColumn: .int($0.key.start), "counted": .int(Int64($0.value.counted)), "hits": .int(Int64($0.value.hits))] as [String: JSONColumn] },
                into: rollup.table, columns: "link_id BIGINT, \(rollup.startColumn) BIGINT, counted BIGINT, hits BIGINT",
                key: "link_id, \(rollup.startColumn)", add: ["counted", "hits"], logger: logger)
        }
        for (rollup, table) in Rollup.pageTables {
            try await connection.addToSums(
                pageClicks.filter { $0.key.rollup == rollup }.sorted { ($0.key.path, $0.key.start) < ($1.key.path, $1.key.start) }
                    .map { ["path": .text($0.key.path), rollup.startColumn: .int($0.key.start), "clicks": .int(Int64($0.value))] as [String: JSONColumn] },
                into: table, columns: "path TEXT, \(rollup.startColumn) BIGINT, clicks BIGINT",
                key: "path, \(rollup.startColumn)", add: ["clicks"], logger: logger)
        }
        struct SiteRow: Encodable { var bucket_start: Int64; var reason: String; var referer_class: String; var hits: Int }
        try await connection.addToSums(
            site.sorted { ($0.key.start, $0.key.reason, $0.key.refererClass) < ($1.key.start, $1.key.reason, $1.key.refererClass) }
                .map { SiteRow(bucket_start: $0.key.start, reason: $0.key.reason, referer_class: $0.key.refererClass, hits: $0.value) },
            into: "site_bucket", columns: "bucket_start BIGINT, reason TEXT, referer_class TEXT, hits BIGINT",
            key: "bucket_start, reason, referer_class", add: ["hits"], logger: logger)
        struct RefererRow: Encodable { var link_id: Int64; var bucket_start: Int64; var path: String; var counted: Int }
        try await connection.addToSums(
            referers.sorted { ($0.key.linkID, $0.key.start, $0.key.path) < ($1.key.linkID, $1.key.start, $1.key.path) }
                .map { RefererRow(link_id: $0.key.linkID, bucket_start: $0.key.start, path: $0.key.path, counted: $0.value) },
            into: "click_referer_bucket", columns: "link_id BIGINT, bucket_start BIGINT, path TEXT, counted BIGINT",
            key: "link_id, bucket_start, path", add: ["counted"], logger: logger)
        struct SourceRow: Encodable {
            var link_id: Int64; var bucket_start: Int64; var utm_source: String; var utm_medium: String; var utm_campaign: String; var counted: Int
        }
        try await connection.addToSums(
            sources.sorted {
                ($0.key.linkID, $0.key.start, $0.key.source, $0.key.medium, $0.key.campaign) < ($1.key.linkID, $1.key.start, $1.key.source, $1.key.medium, $1.key.campaign)
            }.map {
                SourceRow(link_id: $0.key.linkID, bucket_start: $0.key.start, utm_source: $0.key.source, utm_medium: $0.key.medium, utm_campaign: $0.key.campaign, counted: $0.value)
            },
            into: "click_source_bucket",
            columns: "link_id BIGINT, bucket_start BIGINT, utm_source TEXT, utm_medium TEXT, utm_campaign TEXT, counted BIGINT",
            key: "link_id, bucket_start, utm_source, utm_medium, utm_campaign", add: ["counted"], logger: logger)
        struct RouteRow: Encodable { var link_id: Int64; var bucket_start: Int64; var kind: String; var route_index: Int; var counted: Int; var hits: Int }
        try await connection.addToSums(
            routes.sorted { ($0.key.linkID, $0.key.start, $0.key.kind.rawValue, $0.key.index) < ($1.key.linkID, $1.key.start, $1.key.kind.rawValue, $1.key.index) }
                .map {
                    RouteRow(
                        link_id: $0.key.linkID, bucket_start: $0.key.start, kind: $0.key.kind.rawValue, route_index: $0.key.index,
                        counted: $0.value.counted, hits: $0.value.hits)
                },
            into: "click_route_bucket", columns: "link_id BIGINT, bucket_start BIGINT, kind TEXT, route_index INTEGER, counted BIGINT, hits BIGINT",
            key: "link_id, bucket_start, kind, route_index", add: ["counted", "hits"], logger: logger)
        return clickCounts
    }
}
