import Foundation

/// Where a link sends each visitor: the first matching rule's URL, else one of the weighted
/// destinations, else the link's `url`. Decided from the request at that moment; only the
/// chosen index is kept with the click.
public struct LinkRouting: Sendable, Equatable {
    public static let destinationCount = 2...10
    public static let weights = 1...1000
    public static let maxRules = 20

    public var destinations: [WeightedDestination]
    public var rules: [LinkRule]

    public static let none = LinkRouting()

    public init(destinations: [WeightedDestination] = [], rules: [LinkRule] = []) {
        self.destinations = destinations
        self.rules = rules
    }

    /// The URL a hit goes to, with the rule or destination index that chose it. `visitor` is
    /// evaluated only when there are rules: a plain link's redirect never reads the request for them.
    public func choose(for visitor: @autoclosure () -> RoutingFacts, defaultURL: String, random: (Int) -> Int) -> RouteChoice {
        if !rules.isEmpty {
            let facts = visitor()
            if let index = rules.firstIndex(where: { $0.matches(facts) }) {
                return RouteChoice(url: rules[index].url, rule: index, destination: nil)
            }
        }
        guard !destinations.isEmpty else { return RouteChoice(url: defaultURL, rule: nil, destination: nil) }
        var ticket = random(destinations.reduce(0) { $0 + $1.weight })
        for (index, destination) in destinations.enumerated() {
            if ticket < destination.weight { return RouteChoice(url: destination.url, rule: nil, destination: index) }
            ticket -= destination.weight
        }
        return RouteChoice(url: destinations[destinations.count - 1].url, rule: nil, destination: destinations.count - 1)
    }

    func problems() -> [FieldProblem] {
        var problems: [FieldProblem] = []
        if !destinations.isEmpty, !Self.destinationCount.contains(destinations.count) {
            problems.append(FieldProblem(field: "destinations", message: "must hold 2 to 10 destinations (or be null)"))
        }
        for (index, destination) in destinations.enumerated() {
            if let problem = DestinationURL.problem(with: destination.url) {
                problems.append(FieldProblem(field: "destinations[\(index)].url", message: problem))
            }
            if !Self.weights.contains(destination.weight) {
                problems.append(FieldProblem(field: "destinations[\(index)].weight", message: "must be an integer from 1 to 1000"))
            }
        }
        if rules.count > Self.maxRules {
            problems.append(FieldProblem(field: "rules", message: "must hold at most \(Self.maxRules) rules"))
        }
        for (index, rule) in rules.enumerated() {
            problems += rule.problems(at: "rules[\(index)]")
        }
        return problems
    }
}

public struct WeightedDestination: Sendable, Equatable, Codable {
    public var url: String
    public var weight: Int

    public init(url: String, weight: Int) {
        self.url = url
        self.weight = weight
    }
}

/// A condition on the visitor and the URL it sends them to. Conditions left nil always hold.
public struct LinkRule: Sendable, Equatable, Codable {
    public var device: DeviceClass?
    /// A primary language subtag, lower-case (`de`).
    public var language: String?
    /// Parameters the `/go/` URL must carry with exactly these values.
    public var query: [String: String]?
    public var url: String

    public init(device: DeviceClass? = nil, language: String? = nil, query: [String: String]? = nil, url: String) {
        self.device = device
        self.language = language?.lowercased()
        self.query = query
        self.url = url
    }

    func matches(_ visitor: RoutingFacts) -> Bool {
        if let device, !visitor.devices.contains(device) { return false }
        if let language, visitor.language != language { return false }
        if let query {
            for (name, value) in query where !visitor.query.contains(where: { $0.name == name && $0.value == value }) {
                return false
            }
        }
        return true
    }

    func problems(at path: String) -> [FieldProblem] {
        var problems: [FieldProblem] = []
        if let language, !AcceptLanguage.isPrimarySubtag(language) {
            problems.append(FieldProblem(field: "\(path).language", message: "must be a primary language subtag of 2 to 8 letters, such as de"))
        }
        if let query {
            if query.isEmpty || query.count > 10 {
                problems.append(FieldProblem(field: "\(path).query", message: "must name 1 to 10 parameters (or be null)"))
            }
            for (name, value) in query.sorted(by: { $0.key < $1.key })
            where name.isEmpty || name.count > 100 || value.count > 200 || TextRules.containsControlCharacter(name + value) {
                problems.append(FieldProblem(
                    field: "\(path).query.\(name)", message: "names must be 1 to 100 and values at most 200 characters, without control characters"))
            }
        }
        if let problem = DestinationURL.problem(with: url) {
            problems.append(FieldProblem(field: "\(path).url", message: problem))
        }
        return problems
    }
}

/// What a rule may look at, read from the request and then forgotten.
public struct RoutingFacts: Sendable {
    public var devices: Set<DeviceClass>
    public var language: String?
    public var query: [(name: String, value: String)]

    public init(userAgent: String?, acceptLanguage: String?, query: [(name: String, value: String)]) {
        devices = DeviceClass.classes(ofUserAgent: userAgent ?? "")
        language = acceptLanguage.flatMap(AcceptLanguage.mostPreferredPrimarySubtag)
        self.query = query
    }
}

/// Which list of a link a click's index points into, in stats.
public enum RouteKind: String, Sendable {
    case rule, destination
}

public struct RouteChoice: Sendable, Equatable {
    public var url: String
    public var rule: Int?
    public var destination: Int?

    public init(url: String, rule: Int?, destination: Int?) {
        self.url = url
        self.rule = rule
        self.destination = destination
    }
}
