import Domain

/// Destinations and rules on the wire: `null` when a link has none, every rule member present.
enum LinkRoutingJSON {
    static func destinations(_ destinations: [WeightedDestination]) -> JSONValue {
        guard !destinations.isEmpty else { return .null }
        return .array(destinations.map { .object(["url": .string($0.url), "weight": .number(Double($0.weight))]) })
    }

    static func rules(_ rules: [LinkRule]) -> JSONValue {
        guard !rules.isEmpty else { return .null }
        return .array(rules.map { rule in
            .object([
                "device": rule.device.map { .string($0.rawValue) } ?? .null,
                "language": rule.language.map(JSONValue.string) ?? .null,
                "query": rule.query.map { .object($0.mapValues(JSONValue.string)) } ?? .null,
                "url": .string(rule.url),
            ])
        })
    }
}
