import Foundation

/// Where a visitor or user came from, kept per subject until erased (docs/architecture.md, "Domain").
public struct Lead: Sendable, Equatable {
    public var id: Int64
    public var subject: String
    public var source: LeadSource
    public var landingPath: String?
    public var createdAt: Date

    public init(id: Int64, subject: String, source: LeadSource, landingPath: String?, createdAt: Date) {
        self.id = id
        self.subject = subject
        self.source = source
        self.landingPath = landingPath
        self.createdAt = createdAt
    }
}

/// A lead about to be captured, already checked.
public struct LeadDraft: Sendable, Equatable {
    public var subject: String
    public var source: LeadSource
    public var landingPath: String?

    /// A lead needs at least `utm_source` and `utm_medium` (docs/architecture.md, "Domain"): without them it says nothing.
    public static func validated(subject: String, source: LeadSource, landingPath: String?) throws(ValidationError) -> LeadDraft {
        var problems: [FieldProblem] = []
        if let problem = Subject.problem(with: subject) {
            problems.append(FieldProblem(field: "subject", message: problem))
        }
        if source.utmSource == nil { problems.append(FieldProblem(field: "utm_source", message: "is required")) }
        if source.utmMedium == nil { problems.append(FieldProblem(field: "utm_medium", message: "is required")) }
        guard problems.isEmpty else { throw ValidationError(problems: problems) }
        return LeadDraft(subject: subject, source: source, landingPath: landingPath)
    }
}

/// Which leads a listing returns; nil means "no filter".
public struct LeadFilter: Sendable, Equatable {
    public var subject: String?
    public var utmSource: String?
    public var utmMedium: String?
    public var utmCampaign: String?

    public init(subject: String? = nil, utmSource: String? = nil, utmMedium: String? = nil, utmCampaign: String? = nil) {
        self.subject = subject
        self.utmSource = utmSource
        self.utmMedium = utmMedium
        self.utmCampaign = utmCampaign
    }
}

public protocol LeadRepository: Sendable {
    func capture(_ draft: LeadDraft, at: Date) async throws -> Lead
    /// Moves every lead of `from` to `to` in one transaction; returns how many moved.
    func assign(from: String, to: String) async throws -> Int
    /// Deletes every lead of `subject`; returns how many.
    func erase(subject: String) async throws -> Int
    /// Leads in ascending id order after the id `after`, at most `limit` of them.
    func list(_ filter: LeadFilter, after: Int64?, limit: Int) async throws -> Page<Lead>
}
