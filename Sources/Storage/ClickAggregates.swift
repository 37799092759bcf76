import Domain
import GRDB

/// The aggregates kept beside the click log, summed over a batch and added in its transaction,
/// so stats read them instead of the raw rows and survive the rows' retention.
struct ClickAggregates {
    private var counters: [Int64: Int] = [:]
    private var buckets: [BucketKey: Int] = [:]
    private var days: [DayKey: Totals] = [:]
    private var referers: [RefererKey: Int] = [:]
    private var sources: [SourceKey: Int] = [:]

    mutating func add(_ click: ClickRecord) {
        let verdict = click.verdict
        let millis = click.occurredAt.epochMillis
        let quarter = AggregateBucket.quarterHourStart(of: millis)
        let day = AggregateBucket.dayStart(of: millis)
        buckets[BucketKey(linkID: click.linkID, start: quarter, reason: verdict.reason.rawValue, refererClass: verdict.refererClass.rawValue), default: 0] += 1
        days[DayKey(linkID: click.linkID, start: day), default: Totals()].add(counted: verdict.counted)
        guard verdict.counted else { return }
        counters[click.linkID, default: 0] += 1
        if verdict.refererClass == .internal, let referer = verdict.referer {
            referers[RefererKey(linkID: click.linkID, start: quarter, path: Referer.path(ofStored: referer)), default: 0] += 1
        }
        let lead = verdict.leadSource
        if let source = lead.utmSource {
            sources[SourceKey(linkID: click.linkID, start: quarter, source: source, medium: lead.utmMedium ?? "", campaign: lead.utmCampaign ?? ""), default: 0] += 1
        }
    }

    func write(_ db: Database) throws {
        let bumpCounter = try db.cachedStatement(sql: "UPDATE link SET click_count = click_count + ? WHERE id = ?")
        for (linkID, count) in counters {
            try bumpCounter.execute(arguments: [count, linkID])
        }
        let addToBucket = try db.cachedStatement(sql: """
            INSERT INTO click_bucket (link_id, bucket_start, reason, referer_class, hits) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (link_id, bucket_start, reason, referer_class) DO UPDATE SET hits = hits + excluded.hits
            """)
        for (key, hits) in buckets {
            try addToBucket.execute(arguments: [key.linkID, key.start, key.reason, key.refererClass, hits])
        }
        let addToDay = try db.cachedStatement(sql: """
            INSERT INTO click_day (link_id, day_start, counted, hits) VALUES (?, ?, ?, ?)
            ON CONFLICT (link_id, day_start) DO UPDATE SET counted = counted + excluded.counted, hits = hits + excluded.hits
            """)
        for (key, totals) in days {
            try addToDay.execute(arguments: [key.linkID, key.start, totals.counted, totals.hits])
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

    private struct DayKey: Hashable {
        var linkID: Int64
        var start: Int64
    }

    private struct RefererKey: Hashable {
        var linkID: Int64
        var start: Int64
        var path: String
    }

    private struct SourceKey: Hashable {
        var linkID: Int64
        var start: Int64
        var source: String
        var medium: String
        var campaign: String
    }
}
