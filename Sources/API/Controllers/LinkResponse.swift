import Domain
import Foundation
import Hummingbird

/// A link on the wire (openapi.yaml).
struct LinkResponse: ResponseEncodable {
    var id: Int64
    var slug: String
    var name: String
    var url: String
    var active: Bool
    var redirect_status: Int
    var forward_query: Bool
    var tags: [String]
    var click_count: Int64
    var created_at: String
    var updated_at: String
    @NullWhenAbsent var starts_at: String?
    @NullWhenAbsent var expires_at: String?
    @NullWhenAbsent var max_clicks: Int64?
    @NullWhenAbsent var expired_url: String?
    var destinations: JSONValue
    var rules: JSONValue
    var state: String

    /// - Parameter now: the moment `state` describes.
    init(_ link: Link, now: Date = Date()) {
        id = link.id
        slug = link.slug
        name = link.name
        url = link.url
        active = link.active
        redirect_status = link.redirectStatus
        forward_query = link.forwardQuery
        tags = link.tags
        click_count = link.clickCount
        created_at = Timestamp.format(link.createdAt)
        updated_at = Timestamp.format(link.updatedAt)
        starts_at = link.schedule.startsAt.map(Timestamp.format)
        expires_at = link.schedule.expiresAt.map(Timestamp.format)
        max_clicks = link.schedule.maxClicks
        expired_url = link.schedule.expiredURL
        destinations = LinkRoutingJSON.destinations(link.routing.destinations)
        rules = LinkRoutingJSON.rules(link.routing.rules)
        state = link.state(at: now).rawValue
    }
}

/// Every list on the wire: `{items, next_cursor}`.
struct ListResponse<Item: Encodable & Sendable>: ResponseEncodable {
    var items: [Item]
    var next_cursor: String?

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(items, forKey: .items)
        // Always present, null on the last page, as the contract shows it.
        try container.encode(next_cursor, forKey: .next_cursor)
    }

    private enum CodingKeys: String, CodingKey {
        case items, next_cursor
    }
}
