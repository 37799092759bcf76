import Domain
import Foundation
import GRDB

/// The `link` table's row.
struct LinkRecord: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "link"

    var id: Int64?
    var slug: String
    var name: String
    var url: String
    var active: Bool
    var redirect_status: Int
    var forward_query: Bool
    var tags: String
    var click_count: Int64
    var created_at: Int64
    var updated_at: Int64
    var starts_at: Int64?
    var expires_at: Int64?
    var max_clicks: Int64?
    var expired_url: String?
    var destinations: String?
    var rules: String?

    enum Columns {
        static let id = Column(CodingKeys.id)
        static let slug = Column(CodingKeys.slug)
        static let name = Column(CodingKeys.name)
        static let url = Column(CodingKeys.url)
        static let active = Column(CodingKeys.active)
        static let tags = Column(CodingKeys.tags)
    }

    init(draft: LinkDraft, now: Date) {
        id = nil
        click_count = 0
        created_at = now.epochMillis
        updated_at = created_at
        slug = draft.slug
        name = draft.name
        url = draft.url
        active = draft.active
        redirect_status = draft.redirectStatus
        forward_query = draft.forwardQuery
        tags = LinkTags.encode(draft.tags)
        setRouting(from: draft)
    }

    /// Overwrites every editable field, leaving id, click count and creation time alone.
    mutating func apply(_ draft: LinkDraft, now: Date) {
        slug = draft.slug
        name = draft.name
        url = draft.url
        active = draft.active
        redirect_status = draft.redirectStatus
        forward_query = draft.forwardQuery
        tags = LinkTags.encode(draft.tags)
        setRouting(from: draft)
        updated_at = now.epochMillis
    }

    private mutating func setRouting(from draft: LinkDraft) {
        let columns = LinkRoutingColumns(draft.schedule, draft.routing)
        starts_at = columns.startsAt
        expires_at = columns.expiresAt
        max_clicks = columns.maxClicks
        expired_url = columns.expiredURL
        destinations = columns.destinations
        rules = columns.rules
    }

    mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    var link: Link {
        let columns = LinkRoutingColumns(
            startsAt: starts_at, expiresAt: expires_at, maxClicks: max_clicks, expiredURL: expired_url, destinations: destinations, rules: rules)
        return Link(
            id: id ?? 0, slug: slug, name: name, url: url, active: active,
            redirectStatus: redirect_status, forwardQuery: forward_query,
            tags: LinkTags.decode(tags),
            clickCount: click_count, createdAt: Date(epochMillis: created_at),
            updatedAt: Date(epochMillis: updated_at), schedule: columns.schedule, routing: columns.routing)
    }
}
