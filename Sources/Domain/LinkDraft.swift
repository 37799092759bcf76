/// The fields a client may set on a link. Building one through `validated(...)` is the only
/// way to obtain a draft that storage accepts, so every write path applies the same rules.
public struct LinkDraft: Sendable, Equatable {
    public static let defaultRedirectStatus = 302
    public static let allowedRedirectStatuses: Set<Int> = [301, 302, 307, 308]
    public static let maxNameLength = 200
    public static let maxTagCount = 32
    public static let maxTagLength = 64

    public let slug: String
    public let name: String
    public let url: String
    public let active: Bool
    public let redirectStatus: Int
    public let forwardQuery: Bool
    public let tags: [String]
    public let schedule: LinkSchedule
    public let routing: LinkRouting

    init(
        slug: String, name: String, url: String, active: Bool, redirectStatus: Int,
        forwardQuery: Bool, tags: [String], schedule: LinkSchedule, routing: LinkRouting
    ) {
        self.slug = slug
        self.name = name
        self.url = url
        self.active = active
        self.redirectStatus = redirectStatus
        self.forwardQuery = forwardQuery
        self.tags = tags
        self.schedule = schedule
        self.routing = routing
    }

    /// Lengths count Unicode scalars, as JSON Schema's maxLength does, so openapi.yaml states the rule exactly.
    /// Checks every field and collects all problems at once, so a CMS can show them together.
    /// Omitted optional fields take the (docs/architecture.md, "Domain") defaults; an omitted name becomes the slug.
    public static func validated(
        slug: String, name: String?, url: String, active: Bool?, redirectStatus: Int?,
        forwardQuery: Bool?, tags: [String]?, schedule: LinkSchedule = .none, routing: LinkRouting = .none
    ) throws(ValidationError) -> LinkDraft {
        var problems: [FieldProblem] = []
        if !Slug.isValid(slug) {
            problems.append(FieldProblem(field: "slug", message: Slug.rule))
        }
        if let urlProblem = DestinationURL.problem(with: url) {
            problems.append(FieldProblem(field: "url", message: urlProblem))
        }
        let resolvedName = name ?? slug
        if resolvedName.unicodeScalars.count > maxNameLength {
            problems.append(FieldProblem(field: "name", message: "must be at most \(maxNameLength) characters"))
        } else if TextRules.containsControlCharacter(resolvedName) {
            problems.append(FieldProblem(field: "name", message: "must not contain control characters"))
        }
        let status = redirectStatus ?? defaultRedirectStatus
        if !allowedRedirectStatuses.contains(status) {
            problems.append(FieldProblem(field: "redirect_status", message: "must be one of 301, 302, 307, 308"))
        }
        let normalizedTags = normalize(tags: tags ?? [], problems: &problems)
        problems += schedule.problems() + routing.problems()
        guard problems.isEmpty else { throw ValidationError(problems: problems) }
        return LinkDraft(
            slug: slug, name: resolvedName, url: url, active: active ?? true, redirectStatus: status,
            forwardQuery: forwardQuery ?? false, tags: normalizedTags, schedule: schedule, routing: routing)
    }

    /// Tags are labels for filtering: duplicates carry no meaning, so they are dropped in order.
    private static func normalize(tags: [String], problems: inout [FieldProblem]) -> [String] {
        if tags.count > maxTagCount {
            problems.append(FieldProblem(field: "tags", message: "must hold at most \(maxTagCount) tags"))
        }
        var seen = Set<String>()
        var result: [String] = []
        for (index, tag) in tags.enumerated() {
            if tag.isEmpty || tag.unicodeScalars.count > maxTagLength || TextRules.containsControlCharacter(tag) {
                problems.append(FieldProblem(
                    field: "tags[\(index)]",
                    message: "must be 1 to \(maxTagLength) characters without control characters"))
            } else if seen.insert(tag).inserted {
                result.append(tag)
            }
        }
        return result
    }
}
