import Domain
import Foundation
import Hummingbird

/// `GET /api/v1/stats/links/{slug}` on the wire (openapi.yaml).
struct LinkStatsResponse: ResponseEncodable {
    struct Referer: Encodable {
        var path: String
        var counted: Int
    }

    struct Source: Encodable {
        var utm_source: String
        @NullWhenAbsent var utm_medium: String?
        @NullWhenAbsent var utm_campaign: String?
        var counted: Int
    }

    var slug: String
    var from: String
    var to: String
    var tz: String
    var interval: String
    var totals: HitSeries.Totals
    var series: [HitSeries.Bucket]
    var top_referers: [Referer]
    var top_sources: [Source]
    /// One entry per weighted destination of the link as it is now, in its order.
    var by_destination: [DestinationHits]
    /// One entry per rule of the link as it is now, in its order.
    var by_rule: [RuleHits]

    struct DestinationHits: Encodable {
        var url: String
        var counted: Int
        var hits: Int
    }

    struct RuleHits: Encodable {
        var index: Int
        var counted: Int
        var hits: Int
    }

    init(
        link: Link, range: StatsRange, interval: StatsInterval, starts: [Date], hits: [QuarterHourHits],
        topReferers: [RefererCount], topSources: [SourceCount], routes: [RouteTotals]
    ) {
        let format = Self.zonedFormat(range.timeZone)
        self.slug = link.slug
        self.from = format(range.from)
        self.to = format(range.to)
        self.tz = range.timeZone.identifier
        self.interval = interval.rawValue
        let sums = HitSeries(starts: starts, hits: hits, format: format)
        self.totals = sums.totals
        self.series = sums.series
        self.top_referers = topReferers.map { Referer(path: $0.path, counted: $0.counted) }
        self.top_sources = topSources.map {
            Source(utm_source: $0.utmSource, utm_medium: $0.utmMedium, utm_campaign: $0.utmCampaign, counted: $0.counted)
        }
        func routeSums(_ kind: RouteKind, _ index: Int) -> (counted: Int, hits: Int) {
            routes.first { $0.kind == kind && $0.index == index }.map { ($0.counted, $0.hits) } ?? (0, 0)
        }
        self.by_destination = link.routing.destinations.enumerated().map { index, destination in
            let sums = routeSums(.destination, index)
            return DestinationHits(url: destination.url, counted: sums.counted, hits: sums.hits)
        }
        self.by_rule = link.routing.rules.indices.map { index in
            let sums = routeSums(.rule, index)
            return RuleHits(index: index, counted: sums.counted, hits: sums.hits)
        }
    }

    /// RFC 3339 with milliseconds and the zone's offset at that instant (`Z` for UTC). An offset
    /// with seconds (local mean time before a zone adopted standard time, e.g. +00:53:28) has no
    /// RFC 3339 form: such an instant is written in UTC, which names it exactly.
    static func zonedFormat(_ zone: TimeZone) -> (Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = zone
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let utc = ISO8601DateFormatter()
        utc.timeZone = TimeZone(identifier: "UTC")
        utc.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return { date in
            zone.secondsFromGMT(for: date) % 60 == 0 ? formatter.string(from: date) : utc.string(from: date)
        }
    }
}
