import Foundation

/// What a token may do (openapi.yaml).
package enum Scope: String, Sendable, CaseIterable {
    case linksRead = "links:read"
    case linksWrite = "links:write"
    case statsRead = "stats:read"
    case ingest
    case admin

    /// Whether holding `self` grants `needed`: `admin` grants all, `links:write` also reads.
    func grants(_ needed: Scope) -> Bool {
        self == needed || self == .admin || (self == .linksWrite && needed == .linksRead)
    }
}

/// Who called, as proven by a verified token.
package struct Principal: Sendable, Equatable {
    package var subject: String?
    package var scopes: Set<Scope>
    /// When the token stops proving anything: a dashboard session ends with it.
    package var expiresAt: Date

    package func has(_ needed: Scope) -> Bool {
        scopes.contains { $0.grants(needed) }
    }

    /// Throws a 403 problem unless this principal holds `needed`.
    func require(_ needed: Scope) throws(Problem) {
        guard has(needed) else {
            throw Problem.forbidden("this token lacks the scope '\(needed.rawValue)'")
        }
    }
}
