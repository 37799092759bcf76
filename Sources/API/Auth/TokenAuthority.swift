import Foundation
import JWTKit

/// Mints and verifies admin tokens: JWTs signed with HS256 under a `kid` from the admin key set.
package struct TokenAuthority: Sendable {
    /// Clock skew forgiven on `exp` and `nbf` (openapi.yaml).
    package static let leeway: TimeInterval = 60
    private static let algorithm = "HS256"

    private let keys: JWTKeyCollection
    private let knownKids: Set<String>
    private let signingKid: JWKIdentifier

    package init(keySet: AdminKeySet) async {
        let keys = JWTKeyCollection()
        for key in keySet.keys {
            await keys.add(hmac: HMACKey(from: key.secret), digestAlgorithm: .sha256, kid: JWKIdentifier(string: key.kid))
        }
        // jwt-kit makes the first key the default and checks tokens with an unknown or missing kid
        // against it; clearing it makes the kid lookup strict.
        _ = await keys.clearDefault()
        self.keys = keys
        self.knownKids = Set(keySet.keys.map(\.kid))
        self.signingKid = JWKIdentifier(string: keySet.signingKey.kid)
    }

    /// A token for `scopes`, valid for `lifetime` from `now`.
    package func mint(scopes: [Scope], subject: String?, lifetime: TimeInterval, now: Date = Date()) async throws -> String {
        // Whole seconds: NumericDate may be fractional, but some JWT libraries expect integers.
        let now = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        let claims = AdminClaims(
            exp: ExpirationClaim(value: now.addingTimeInterval(lifetime)),
            scope: scopes.map(\.rawValue).joined(separator: " "),
            sub: subject.map { SubjectClaim(value: $0) },
            iat: IssuedAtClaim(value: now),
            nbf: nil)
        var header = JWTHeader()
        header.typ = "JWT"
        return try await keys.sign(claims, kid: signingKid, header: header)
    }

    /// The principal a bearer token proves, or why it proves nothing.
    package func verify(_ token: String, now: Date = Date()) async throws(AuthenticationFailure) -> Principal {
        let header: JWTHeader
        do {
            header = try DefaultJWTParser().parse(Array(token.utf8), as: AdminClaims.self).header
        } catch {
            throw .malformed
        }
        // jwt-kit verifies with the key's own algorithm whatever `alg` says; refusing every other
        // `alg` here is what rejects `none`, HS512 and algorithm-confusion tokens.
        guard header.alg == Self.algorithm else { throw .unsupportedAlgorithm }
        guard let kid = header.kid, knownKids.contains(kid) else { throw .unknownKey }
        let claims: AdminClaims
        do {
            claims = try await keys.verify(token, as: AdminClaims.self)
        } catch {
            throw .badSignature
        }
        if claims.exp.value.addingTimeInterval(Self.leeway) <= now { throw .expired }
        if let notBefore = claims.nbf?.value, notBefore.addingTimeInterval(-Self.leeway) > now { throw .notYetValid }
        var scopes = Set<Scope>()
        for name in claims.scope.split(separator: " ") {
            // Unknown scope names may belong to a newer version: they grant nothing here.
            if let scope = Scope(rawValue: String(name)) { scopes.insert(scope) }
        }
        return Principal(subject: claims.sub?.value, scopes: scopes, expiresAt: claims.exp.value)
    }
}

/// Why a bearer token was refused; each becomes a 401 whose detail names it.
package enum AuthenticationFailure: Error, Sendable, Equatable {
    case missing
    case malformed
    case unsupportedAlgorithm
    case unknownKey
    case badSignature
    case expired
    case notYetValid

    var detail: String {
        switch self {
        case .missing: "an 'Authorization: Bearer <token>' header is required"
        case .malformed: "the bearer token is not a well-formed JWT with the claims exp and scope"
        case .unsupportedAlgorithm: "the token's alg must be HS256"
        case .unknownKey: "the token's kid names no configured admin key"
        case .badSignature: "the token's signature does not verify"
        case .expired: "the token has expired"
        case .notYetValid: "the token is not valid yet (nbf)"
        }
    }
}
