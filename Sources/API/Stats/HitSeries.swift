import Domain
import Foundation
import Hummingbird

/// Totals and a series summed from the same quarter-hour rows, so the totals always equal the
/// sum of the series: a link's stats and the overview of all links alike.
struct HitSeries {
    struct Totals: Encodable {
        var counted = 0
        var hits = 0
        var by_reason: [String: Int] = Dictionary(uniqueKeysWithValues: HitReason.allCases.map { ($0.rawValue, 0) })
        var by_referer_class: [String: Int] = Dictionary(uniqueKeysWithValues: RefererClass.allCases.map { ($0.rawValue, 0) })
    }

    struct Bucket: Encodable {
        var start: String
        var counted: Int
        var hits: Int
    }

    var totals = Totals()
    var series: [Bucket]

    /// `quarterHours` in time order; each lands in the last bucket of `starts` that begins at
    /// or before it. The totals come from `breakdown`, over the same rows.
    init(starts: [Date], quarterHours: [QuarterHourTotals], breakdown: [HitBreakdown], format: (Date) -> String) {
        series = starts.map { Bucket(start: format($0), counted: 0, hits: 0) }
        var index = 0
        // Both are in time order: one merge pass puts each quarter hour into its bucket.
        for row in quarterHours {
            while index + 1 < starts.count && starts[index + 1] <= row.start { index += 1 }
            guard !starts.isEmpty else { break }
            series[index].hits += row.hits
            series[index].counted += row.counted
        }
        for row in breakdown {
            totals.hits += row.hits
            if row.reason.isCounted { totals.counted += row.hits }
            totals.by_reason[row.reason.rawValue, default: 0] += row.hits
            totals.by_referer_class[row.refererClass.rawValue, default: 0] += row.hits
        }
    }

    /// One link's buckets, each with its reason and class.
    init(starts: [Date], hits: [QuarterHourHits], format: (Date) -> String) {
        self.init(
            starts: starts,
            quarterHours: hits.map { QuarterHourTotals(start: $0.start, counted: $0.reason.isCounted ? $0.hits : 0, hits: $0.hits) },
            breakdown: hits.map { HitBreakdown(reason: $0.reason, refererClass: $0.refererClass, hits: $0.hits) },
            format: format)
    }
}

/// `GET /api/v1/stats/overview` on the wire (openapi.yaml): every link's hits together.
struct OverviewStatsResponse: ResponseEncodable {
    var from: String
    var to: String
    var tz: String
    var interval: String
    var totals: HitSeries.Totals
    var series: [HitSeries.Bucket]

    init(range: StatsRange, interval: StatsInterval, starts: [Date], hits: SiteHits) {
        let format = LinkStatsResponse.zonedFormat(range.timeZone)
        from = format(range.from)
        to = format(range.to)
        tz = range.timeZone.identifier
        self.interval = interval.rawValue
        let sums = HitSeries(starts: starts, quarterHours: hits.quarterHours, breakdown: hits.breakdown, format: format)
        totals = sums.totals
        series = sums.series
    }
}
