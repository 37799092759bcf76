import Foundation

/// Hits of one link in one quarter hour with one reason and referer class.
public struct QuarterHourHits: Sendable, Equatable {
    public var start: Date
    public var reason: HitReason
    public var refererClass: RefererClass
    public var hits: Int

    public init(start: Date, reason: HitReason, refererClass: RefererClass, hits: Int) {
        self.start = start
        self.reason = reason
        self.refererClass = refererClass
        self.hits = hits
    }
}

/// Counted and all hits of one quarter hour.
public struct QuarterHourTotals: Sendable, Equatable {
    public var start: Date
    public var counted: Int
    public var hits: Int

    public init(start: Date, counted: Int, hits: Int) {
        self.start = start
        self.counted = counted
        self.hits = hits
    }
}

/// Hits with one reason and referer class over a whole range.
public struct HitBreakdown: Sendable, Equatable {
    public var reason: HitReason
    public var refererClass: RefererClass
    public var hits: Int

    public init(reason: HitReason, refererClass: RefererClass, hits: Int) {
        self.reason = reason
        self.refererClass = refererClass
        self.hits = hits
    }
}

/// All links' hits over a range, read in one snapshot: per quarter hour, and by reason and class.
public struct SiteHits: Sendable, Equatable {
    public var quarterHours: [QuarterHourTotals]
    public var breakdown: [HitBreakdown]

    public init(quarterHours: [QuarterHourTotals], breakdown: [HitBreakdown]) {
        self.quarterHours = quarterHours
        self.breakdown = breakdown
    }
}

public struct RefererCount: Sendable, Equatable {
    public var path: String
    public var counted: Int

    public init(path: String, counted: Int) {
        self.path = path
        self.counted = counted
    }
}

public struct SourceCount: Sendable, Equatable {
    public var utmSource: String
    public var utmMedium: String?
    public var utmCampaign: String?
    public var counted: Int

    public init(utmSource: String, utmMedium: String?, utmCampaign: String?, counted: Int) {
        self.utmSource = utmSource
        self.utmMedium = utmMedium
        self.utmCampaign = utmCampaign
        self.counted = counted
    }
}

/// Counted and all hits of one link over a range.
public struct LinkTotals: Sendable, Equatable {
    public var linkID: Int64
    public var slug: String
    public var name: String
    public var counted: Int
    public var hits: Int

    public init(linkID: Int64, slug: String, name: String, counted: Int, hits: Int) {
        self.linkID = linkID
        self.slug = slug
        self.name = name
        self.counted = counted
        self.hits = hits
    }
}

/// Views of one page over a range, and the counted clicks whose internal referer was that page.
public struct PageTotals: Sendable, Equatable {
    public var path: String
    public var views: Int
    public var clicks: Int

    public init(path: String, views: Int, clicks: Int) {
        self.path = path
        self.views = views
        self.clicks = clicks
    }
}

/// Hits of one link that went through one of its rules or weighted destinations.
public struct RouteTotals: Sendable, Equatable {
    public var kind: RouteKind
    public var index: Int
    public var counted: Int
    public var hits: Int

    public init(kind: RouteKind, index: Int, counted: Int, hits: Int) {
        self.kind = kind
        self.index = index
        self.counted = counted
        self.hits = hits
    }
}

/// Stats read from the aggregates only, never from the raw click log (openapi.yaml).
public protocol StatsRepository: Sendable {
    func quarterHourHits(linkID: Int64, from: Date, to: Date) async throws -> [QuarterHourHits]
    /// All links' hits together (the links that exist now): the overview. Summed in the
    /// database, so a long range sends a few thousand rows, not every bucket.
    func siteHits(from: Date, to: Date) async throws -> SiteHits
    func topReferers(linkID: Int64, from: Date, to: Date, limit: Int) async throws -> [RefererCount]
    func topSources(linkID: Int64, from: Date, to: Date, limit: Int) async throws -> [SourceCount]
    /// Hits by rule and by weighted destination, only those with any.
    func routeTotals(linkID: Int64, from: Date, to: Date) async throws -> [RouteTotals]
    /// Every link, with zero totals where it had no hits in the range.
    func linkTotals(from: Date, to: Date) async throws -> [LinkTotals]
    /// Every page viewed in the range.
    func pageTotals(from: Date, to: Date) async throws -> [PageTotals]
}
