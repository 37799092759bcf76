import Foundation

/// When a link may be followed and how often; all optional (docs/architecture.md, "Domain").
public struct LinkSchedule: Sendable, Equatable {
    public var startsAt: Date?
    public var expiresAt: Date?
    /// Counted clicks after which the link is exhausted.
    public var maxClicks: Int64?
    /// Where a scheduled, expired or exhausted link sends visitors instead of the not-found answer.
    public var expiredURL: String?

    public static let none = LinkSchedule()

    public init(startsAt: Date? = nil, expiresAt: Date? = nil, maxClicks: Int64? = nil, expiredURL: String? = nil) {
        self.startsAt = startsAt
        self.expiresAt = expiresAt
        self.maxClicks = maxClicks
        self.expiredURL = expiredURL
    }

    func problems() -> [FieldProblem] {
        var problems: [FieldProblem] = []
        if let startsAt, let expiresAt, expiresAt <= startsAt {
            problems.append(FieldProblem(field: "expires_at", message: "must be after starts_at"))
        }
        if let maxClicks, maxClicks < 1 {
            problems.append(FieldProblem(field: "max_clicks", message: "must be at least 1"))
        }
        if let expiredURL, let problem = DestinationURL.problem(with: expiredURL) {
            problems.append(FieldProblem(field: "expired_url", message: problem))
        }
        return problems
    }
}

/// Whether a link sends visitors on, and if not, why (the link JSON's read-only `state`).
public enum LinkState: String, Sendable, CaseIterable {
    case live, scheduled, expired, exhausted, inactive
}

extension Link {
    /// The state at `now`, with `clicksUsed` counted clicks spent on `max_clicks` (the stored
    /// count, or this instance's more current one).
    public func state(at now: Date, clicksUsed: Int64? = nil) -> LinkState {
        if !active { return .inactive }
        if let startsAt = schedule.startsAt, now < startsAt { return .scheduled }
        if let expiresAt = schedule.expiresAt, now >= expiresAt { return .expired }
        if let maxClicks = schedule.maxClicks, (clicksUsed ?? clickCount) >= maxClicks { return .exhausted }
        return .live
    }
}
