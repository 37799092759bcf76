import Foundation

/// A counted page view as GA forwarding sees it; only `path` and the time are stored.
public struct PageViewRecord: Sendable, Equatable {
    public var path: String
    public var occurredAt: Date
    /// `https://<host><path>` when the caller named the host, else the path alone.
    public var location: String
    public var title: String?
    /// The referer reduced like a click's (docs/architecture.md, "Privacy").
    public var referrer: String?
    /// Nil when forwarding is off.
    public var visitor: GAVisitor?

    public init(path: String, occurredAt: Date, host: String?, title: String?, referrer: String?, visitor: GAVisitor?) {
        self.path = path
        self.occurredAt = occurredAt
        self.location = host.map { "https://\($0)\(path)" } ?? path
        self.title = title
        self.referrer = referrer
        self.visitor = visitor
    }
}
