import Domain
import Foundation

/// `consent.set` and `consent.get`: the consent log (docs/architecture.md, "Consent").
struct ConsentMethods {
    let consents: any ConsentRepository

    static let maxSourceLength = 100

    var methods: [RPCMethod] {
        [
            RPCMethod("consent.set", parameters: ["subject", "signals", "source"], handler: set),
            RPCMethod("consent.get", parameters: ["subject"], handler: get),
        ]
    }

    /// Signals not named keep their current value (a subject without history starts all denied),
    /// so a banner that reports one category does not reset the others.
    @Sendable func set(_ params: RPCParams) async throws -> any Encodable & Sendable {
        let subject = try params.subject("subject")
        guard let changes = try params.consentChanges("signals") else {
            throw RPCError.invalidParams(field: "signals", "is required")
        }
        guard !changes.isEmpty else { throw RPCError.invalidParams(field: "signals", "must name at least one signal") }
        let source = try params.text("source", maxLength: Self.maxSourceLength)
        return ConsentResponse(try await consents.set(subject: subject, changes: changes, source: source, at: Date()))
    }

    @Sendable func get(_ params: RPCParams) async throws -> any Encodable & Sendable {
        let subject = try params.subject("subject")
        guard let record = try await consents.current(subject: subject) else {
            return ConsentResponse(subject: subject, signals: .allDenied, updatedAt: nil)
        }
        return ConsentResponse(record)
    }
}

/// `{subject, signals, updated_at}`; `updated_at` is null for a subject never seen.
struct ConsentResponse: Encodable, Sendable {
    var subject: String
    var signals: ConsentSignals
    var updatedAt: Date?

    init(subject: String, signals: ConsentSignals, updatedAt: Date?) {
        self.subject = subject
        self.signals = signals
        self.updatedAt = updatedAt
    }

    init(_ record: ConsentRecord) {
        self.init(subject: record.subject, signals: record.signals, updatedAt: record.updatedAt)
    }

    private enum CodingKeys: String, CodingKey {
        case subject, signals, updated_at
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(subject, forKey: .subject)
        try container.encode(Dictionary(uniqueKeysWithValues: signals.states.map { ($0.name, $0.state.rawValue) }), forKey: .signals)
        try container.encode(updatedAt.map(Timestamp.format), forKey: .updated_at)
    }
}
