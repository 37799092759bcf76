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
    /// The index of the link rule or weighted destination that chose the URL; nil for the link's `url`.
    public var rule: Int?
    public var destination: Int?

    public init(
        linkID: Int64, linkSlug: String, occurredAt: Date, verdict: HitVerdict, visitor: GAVisitor? = nil, rule: Int? = nil,
        destination: Int? = nil
    ) {
        self.linkID = linkID
        self.linkSlug = linkSlug
        self.occurredAt = occurredAt
        self.verdict = verdict
        self.visitor = visitor
        self.rule = rule
        self.destination = destination
    }
}
