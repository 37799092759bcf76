import Foundation
import JWTKit

/// The claims of an admin token (openapi.yaml). `exp` and `scope` are required: decoding fails without them.
struct AdminClaims: JWTPayload {
    var exp: ExpirationClaim
    /// Space-separated scope names (RFC 8693 §4.2 style).
    var scope: String
    var sub: SubjectClaim?
    var iat: IssuedAtClaim?
    var nbf: NotBeforeClaim?

    /// Time claims are checked by `TokenAuthority` with the leeway and clock it is given;
    /// jwt-kit's hook would check them against the wall clock with no leeway.
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}
