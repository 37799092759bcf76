import Foundation

/// One row of the raw click log as it is exported (openapi.yaml).
public struct LoggedClick: Sendable, Equatable {
    public var id: Int64
    public var slug: String
    public var occurredAt: Date
    public var referer: String?
    public var refererClass: RefererClass
    public var reason: HitReason
    public var leadSource: LeadSource
    public var gaStatus: GAStatus
    public var rule: Int?
    public var destination: Int?

    public var counted: Bool { reason.isCounted }

    public init(
        id: Int64, slug: String, occurredAt: Date, referer: String?, refererClass: RefererClass, reason: HitReason,
        leadSource: LeadSource, gaStatus: GAStatus, rule: Int? = nil, destination: Int? = nil
    ) {
        self.id = id
        self.slug = slug
        self.occurredAt = occurredAt
        self.referer = referer
        self.refererClass = refererClass
        self.reason = reason
        self.leadSource = leadSource
        self.gaStatus = gaStatus
        self.rule = rule
        self.destination = destination
    }

    /// Where a page of the log ends; the next page starts after it.
    public var position: ClickLogPosition {
        ClickLogPosition(occurredAtMillis: occurredAt.epochMillis, id: id)
    }
}

/// The log is read in (occurred_at, id) order: ingested clicks may be back-dated, so id order
/// alone is not time order, and the id breaks ties within a millisecond.
public struct ClickLogPosition: Sendable, Equatable {
    public var occurredAtMillis: Int64
    public var id: Int64

    public init(occurredAtMillis: Int64, id: Int64) {
        self.occurredAtMillis = occurredAtMillis
        self.id = id
    }
}

/// Which clicks an export covers: `from` inclusive, `to` exclusive, optionally one link.
public struct ClickLogFilter: Sendable, Equatable {
    public var from: Date
    public var to: Date
    public var linkID: Int64?

    public init(from: Date, to: Date, linkID: Int64? = nil) {
        self.from = from
        self.to = to
        self.linkID = linkID
    }
}

/// Reads the raw click log page by page, so an export of any size holds one page in memory.
public protocol ClickLogRepository: Sendable {
    func clicks(_ filter: ClickLogFilter, after position: ClickLogPosition?, limit: Int) async throws -> [LoggedClick]
}
