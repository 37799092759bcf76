import Foundation

/// One hit as it is logged: no IP, no user agent, no cookie (docs/architecture.md, "Privacy").
public struct ClickRecord: Sendable, Equatable {
    public var linkID: Int64
    /// Travels to GA with the click; not stored with it (the link row has it).
    public var linkSlug: String
    public var occurredAt: Date
    public var verdict: HitVerdict
    /// The visitor's GA ids and consent; nil when GA forwarding is off (`ga_status` not_applicable).
    public var visitor: GAVisitor?

    public init(linkID: Int64, linkSlug: String, occurredAt: Date, verdict: HitVerdict, visitor: GAVisitor? = nil) {
        self.linkID = linkID
        self.linkSlug = linkSlug
        self.occurredAt = occurredAt
        self.verdict = verdict
        self.visitor = visitor
    }
}
