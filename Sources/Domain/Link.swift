import Foundation

/// A tracked destination behind `/go/<slug>`, as stored and as served by the API.
public struct Link: Sendable, Equatable {
    public var id: Int64
    public var slug: String
    public var name: String
    public var url: String
    public var active: Bool
    public var redirectStatus: Int
    public var forwardQuery: Bool
    public var tags: [String]
    /// Honest clicks only; maintained by the click writer, never by link edits.
    public var clickCount: Int64
    public var createdAt: Date
    public var updatedAt: Date
    public var schedule: LinkSchedule
    public var routing: LinkRouting

    public init(
        id: Int64, slug: String, name: String, url: String, active: Bool, redirectStatus: Int,
        forwardQuery: Bool, tags: [String], clickCount: Int64, createdAt: Date, updatedAt: Date,
        schedule: LinkSchedule = .none, routing: LinkRouting = .none
    ) {
        self.id = id
        self.slug = slug
        self.name = name
        self.url = url
        self.active = active
        self.redirectStatus = redirectStatus
        self.forwardQuery = forwardQuery
        self.tags = tags
        self.clickCount = clickCount
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.schedule = schedule
        self.routing = routing
    }

    /// The editable part of this link, e.g. as the base of a merge patch.
    public var draft: LinkDraft {
        LinkDraft(
            slug: slug, name: name, url: url, active: active, redirectStatus: redirectStatus,
            forwardQuery: forwardQuery, tags: tags, schedule: schedule, routing: routing)
    }
}
