import Foundation

/// Why a reported page view was or was not counted (openrpc.json); `ok` is the only counted reason.
/// When several apply, the first in declaration order is the reason.
public enum PageViewReason: String, Sendable, CaseIterable, Codable {
    case excluded
    case status
    case bot
    case ok
}

/// Which page views count: not under an excluded path prefix, answered 200, not fetched by a bot.
public struct PageViewRules: Sendable {
    public static let defaultExcludedPrefixes = ["/admin/"]

    private let excludedPrefixes: [String]
    private let bots: BotMatcher

    public init(excludedPrefixes: [String], bots: BotMatcher) {
        self.excludedPrefixes = excludedPrefixes
        self.bots = bots
    }

    public func classify(path: String, status: Int, userAgent: String?) -> PageViewReason {
        if excludedPrefixes.contains(where: { path.hasPrefix($0) }) { return .excluded }
        if status != 200 { return .status }
        // Like a click without a user agent, a view without one is not taken for a person.
        if bots.isBot(userAgent ?? "") { return .bot }
        return .ok
    }
}

/// The path of a tracked page: the query and fragment are dropped (they may carry personal
/// data; docs/architecture.md, "Privacy"), so views of one page add up under one path.
public enum PagePath {
    public static let maxLength = 512

    public static func normalized(_ text: String) throws(ValidationError) -> String {
        guard text.hasPrefix("/") else { throw ValidationError(field: "path", message: "must start with /") }
        guard !TextRules.containsControlCharacter(text) else {
            throw ValidationError(field: "path", message: "must not contain control characters")
        }
        let path = String(text.prefix { $0 != "?" && $0 != "#" })
        guard path.unicodeScalars.count <= maxLength else {
            throw ValidationError(field: "path", message: "must be at most \(maxLength) characters")
        }
        return path
    }
}

/// Counted page views, aggregated per path and time bucket: no row per visitor.
public protocol PageViewRepository: Sendable {
    /// Counts the view and, in the same transaction, queues its GA event when it may go;
    /// answers what happened on the way to GA.
    func recordView(_ view: PageViewRecord) async throws -> GAStatus
}
