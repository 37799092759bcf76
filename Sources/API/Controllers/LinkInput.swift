import Domain

/// Turns a link's JSON body into a validated draft, naming every bad field.
enum LinkInput {
    static let editableFields: Set<String> = [
        "slug", "name", "url", "active", "redirect_status", "forward_query", "tags", "starts_at", "expires_at", "max_clicks",
        "expired_url", "destinations", "rules",
    ]
    static let reservedSlugs: Set<String> = ["import", "export"]
    /// Present in what the API returns: accepted and ignored so a fetched link can be sent back as is.
    static let readOnlyFields: Set<String> = ["id", "click_count", "created_at", "updated_at", "state"]

    /// - Parameter pathSlug: the slug of the URL for PUT and PATCH. The URL names the link and a slug
    ///   never changes: a slug in the body (as in a fetched link sent back, or one copied to a new
    ///   slug) is ignored.
    static func draft(from body: [String: JSONValue], pathSlug: String? = nil) throws(ValidationError) -> LinkDraft {
        var problems: [FieldProblem] = []
        for name in body.keys.sorted() where !editableFields.contains(name) && !readOnlyFields.contains(name) {
            problems.append(FieldProblem(field: name, message: "is not a field of a link"))
        }
        var reader = FieldReader(body: body)
        let slug = pathSlug ?? reader.string("slug")
        let url = reader.string("url")
        let name = reader.string("name")
        let active = reader.bool("active")
        let redirectStatus = reader.integer("redirect_status")
        let forwardQuery = reader.bool("forward_query")
        let tags = reader.strings("tags")
        let schedule = LinkSchedule(
            startsAt: reader.timestamp("starts_at"), expiresAt: reader.timestamp("expires_at"), maxClicks: reader.integer("max_clicks").map(Int64.init),
            expiredURL: reader.string("expired_url"))
        let routing = LinkRouting(destinations: reader.destinations("destinations"), rules: reader.rules("rules"))
        problems += reader.problems
        if slug == nil, !problems.contains(where: { $0.field == "slug" }) {
            problems.append(FieldProblem(field: "slug", message: "is required"))
        }
        if pathSlug == nil, let slug, reservedSlugs.contains(slug) {
            // /api/v1/links/import and /export are the bulk endpoints: such a link could never be read or changed.
            problems.append(FieldProblem(field: "slug", message: "is reserved (\(reservedSlugs.sorted().joined(separator: ", ")))"))
        }
        if url == nil, !problems.contains(where: { $0.field == "url" }) {
            problems.append(FieldProblem(field: "url", message: "is required"))
        }
        // The domain rules run even when the shape is wrong, so one answer names every bad field;
        // fields already reported (missing or mistyped) are not reported twice.
        let reported = Set(problems.map(\.field))
        do {
            let draft = try LinkDraft.validated(
                slug: slug ?? "", name: name, url: url ?? "", active: active, redirectStatus: redirectStatus,
                forwardQuery: forwardQuery, tags: tags, schedule: schedule, routing: routing)
            if problems.isEmpty { return draft }
        } catch {
            problems += error.problems.filter { !reported.contains($0.field) }
        }
        throw ValidationError(problems: problems)
    }

    /// The editable fields of `link` as JSON: the document a merge patch applies to.
    static func editableJSON(of link: Link) -> JSONValue {
        .object([
            "slug": .string(link.slug),
            "name": .string(link.name),
            "url": .string(link.url),
            "active": .bool(link.active),
            "redirect_status": .number(Double(link.redirectStatus)),
            "forward_query": .bool(link.forwardQuery),
            "tags": .array(link.tags.map(JSONValue.string)),
            "starts_at": link.schedule.startsAt.map { .string(Timestamp.format($0)) } ?? .null,
            "expires_at": link.schedule.expiresAt.map { .string(Timestamp.format($0)) } ?? .null,
            "max_clicks": link.schedule.maxClicks.map { .number(Double($0)) } ?? .null,
            "expired_url": link.schedule.expiredURL.map(JSONValue.string) ?? .null,
            "destinations": LinkRoutingJSON.destinations(link.routing.destinations),
            "rules": LinkRoutingJSON.rules(link.routing.rules),
        ])
    }
}

/// Typed access to optional JSON members; a member of the wrong type is recorded as a problem.
/// `null` reads as absent, so a merge patch's `null` returns a field to its default.
struct FieldReader {
    let body: [String: JSONValue]
    /// Prefixed to field names in problems: `rules[1].` inside a link's rule.
    let path: String
    var problems: [FieldProblem] = []

    init(body: [String: JSONValue], path: String = "") {
        self.body = body
        self.path = path
    }

    mutating func string(_ name: String) -> String? {
        switch body[name] {
        case nil, .null?: return nil
        case .string(let value)?: return value
        default:
            problems.append(FieldProblem(field: path + name, message: "must be a string"))
            return nil
        }
    }

    mutating func bool(_ name: String) -> Bool? {
        switch body[name] {
        case nil, .null?: return nil
        case .bool(let value)?: return value
        default:
            problems.append(FieldProblem(field: path + name, message: "must be true or false"))
            return nil
        }
    }

    mutating func integer(_ name: String) -> Int? {
        switch body[name] {
        case nil, .null?: return nil
        case .number(let value)? where value.rounded() == value && abs(value) < 1e15: return Int(value)
        default:
            problems.append(FieldProblem(field: path + name, message: "must be an integer"))
            return nil
        }
    }

    mutating func strings(_ name: String) -> [String]? {
        switch body[name] {
        case nil, .null?: return nil
        case .array(let values)?:
            var result: [String] = []
            for value in values {
                guard case .string(let text) = value else {
                    problems.append(FieldProblem(field: path + name, message: "must be an array of strings"))
                    return nil
                }
                result.append(text)
            }
            return result
        default:
            problems.append(FieldProblem(field: path + name, message: "must be an array of strings"))
            return nil
        }
    }
}
