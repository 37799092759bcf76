import Domain
import Foundation

/// A link's schedule and routing as stored on both backends: times in epoch milliseconds,
/// destinations and rules as JSON arrays (NULL when there are none).
struct LinkRoutingColumns {
    var startsAt: Int64?
    var expiresAt: Int64?
    var maxClicks: Int64?
    var expiredURL: String?
    var destinations: String?
    var rules: String?

    static let names = ["starts_at", "expires_at", "max_clicks", "expired_url", "destinations", "rules"]

    init(startsAt: Int64?, expiresAt: Int64?, maxClicks: Int64?, expiredURL: String?, destinations: String?, rules: String?) {
        self.startsAt = startsAt
        self.expiresAt = expiresAt
        self.maxClicks = maxClicks
        self.expiredURL = expiredURL
        self.destinations = destinations
        self.rules = rules
    }

    init(_ schedule: LinkSchedule, _ routing: LinkRouting) {
        startsAt = schedule.startsAt?.epochMillis
        expiresAt = schedule.expiresAt?.epochMillis
        maxClicks = schedule.maxClicks
        expiredURL = schedule.expiredURL
        destinations = Self.json(routing.destinations)
        rules = Self.json(routing.rules)
    }

    var schedule: LinkSchedule {
        LinkSchedule(
            startsAt: startsAt.map(Date.init(epochMillis:)), expiresAt: expiresAt.map(Date.init(epochMillis:)), maxClicks: maxClicks,
            expiredURL: expiredURL)
    }

    /// What was written by this code decodes; anything else reads as no routing rather than
    /// making the link unreadable.
    var routing: LinkRouting {
        LinkRouting(destinations: Self.decode(destinations) ?? [], rules: Self.decode(rules) ?? [])
    }

    private static func json(_ values: [some Encodable]) -> String? {
        guard !values.isEmpty else { return nil }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(values)).map { String(decoding: $0, as: UTF8.self) }
    }

    private static func decode<Value: Decodable>(_ text: String?) -> [Value]? {
        text.flatMap { try? JSONDecoder().decode([Value].self, from: Data($0.utf8)) }
    }
}
