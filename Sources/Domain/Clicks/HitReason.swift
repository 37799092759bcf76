/// Why a hit on a link was or was not counted (README, "The redirect"); `ok` is the only counted reason.
/// When several apply, the first in declaration order is the reason.
public enum HitReason: String, Sendable, CaseIterable, Codable {
    case head
    case prefetch
    case bot
    case noReferer = "no_referer"
    case externalReferer = "external_referer"
    case ok

    /// The one place that says which reasons count; the stats' SQL is built from it too.
    public var isCounted: Bool { self == .ok }
}

/// Where the visitor came from, judged by the referer's host.
public enum RefererClass: String, Sendable, CaseIterable, Codable {
    case `internal`
    case external
    case none
}

/// What happened to a click on its way to Google Analytics (docs/architecture.md, "Domain").
public enum GAStatus: String, Sendable, CaseIterable, Codable {
    case notApplicable = "not_applicable"
    case noConsent = "no_consent"
    case noClientID = "no_client_id"
    case queued
    case sent
    case failed
}
