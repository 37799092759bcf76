import Foundation

/// A subject's consent as of one entry of the consent log.
public struct ConsentRecord: Sendable, Equatable {
    public var subject: String
    public var signals: ConsentSignals
    /// Who or what reported it (a banner, a CMS form); free text chosen by the caller.
    public var source: String?
    public var updatedAt: Date

    public init(subject: String, signals: ConsentSignals, source: String?, updatedAt: Date) {
        self.subject = subject
        self.signals = signals
        self.source = source
        self.updatedAt = updatedAt
    }
}

/// The consent log: every change appended, the newest entry is the current state (docs/architecture.md, "Domain").
public protocol ConsentRepository: Sendable {
    /// Appends the subject's new state: `changes` applied over its current state (signals it does
    /// not name keep their value; a subject without history starts from all denied).
    func set(subject: String, changes: [String: ConsentSignals.State], source: String?, at: Date) async throws -> ConsentRecord
    func current(subject: String) async throws -> ConsentRecord?
    /// Every entry of the subject, oldest first.
    func history(subject: String) async throws -> [ConsentRecord]
}
