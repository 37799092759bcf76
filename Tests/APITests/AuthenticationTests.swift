import API
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite struct AuthenticationTests {
    private static let current = TestService.signingKey
    private static var validClaims: [String: Any] { ["exp": HandMadeJWT.now(offset: 600), "scope": "links:read", "sub": "cms"] }

    /// Tokens an attacker or a broken client might send; every one must answer 401.
    enum Forgery: String, CaseIterable, CustomTestStringConvertible {
        case algNone, algNoneButSigned, hs512, hs512LabelOnHS256Signature, wrongKey, unknownKid, missingKid, tamperedPayload, expiredBeyondLeeway, missingExp,
            futureNotBefore, missingScopeClaim, notAJWT, emptyBearer

        var testDescription: String { rawValue }

        func token() -> String {
            let key = AuthenticationTests.current
            let claims = AuthenticationTests.validClaims
            switch self {
            case .algNone:
                var jwt = HandMadeJWT(kid: key.kid, claims: claims)
                jwt.header["alg"] = "none"
                return jwt.unsigned()
            case .algNoneButSigned:
                var jwt = HandMadeJWT(kid: key.kid, claims: claims)
                jwt.header["alg"] = "none"
                return jwt.signed(with: key.secret)
            case .hs512LabelOnHS256Signature:
                // A valid HS256 signature under a lying header: only an explicit alg check refuses it.
                var jwt = HandMadeJWT(kid: key.kid, claims: claims)
                jwt.header["alg"] = "HS512"
                return jwt.signed(with: key.secret)
            case .hs512:
                var jwt = HandMadeJWT(kid: key.kid, claims: claims)
                jwt.header["alg"] = "HS512"
                return jwt.signed(with: key.secret, digest: .sha512)
            case .wrongKey:
                return HandMadeJWT(kid: key.kid, claims: claims).signed(with: Array(repeating: 0x42, count: 32))
            case .unknownKid:
                return HandMadeJWT(kid: "ghost", claims: claims).signed(with: key.secret)
            case .missingKid:
                return HandMadeJWT(kid: nil, claims: claims).signed(with: key.secret)
            case .tamperedPayload:
                let valid = HandMadeJWT(kid: key.kid, claims: claims).signed(with: key.secret).split(separator: ".")
                var elevated = claims
                elevated["scope"] = "admin"
                let payload = HandMadeJWT.base64URL(try! JSONSerialization.data(withJSONObject: elevated))
                return "\(valid[0]).\(payload).\(valid[2])"
            case .expiredBeyondLeeway:
                var expired = claims
                expired["exp"] = HandMadeJWT.now(offset: -61 - 5)
                return HandMadeJWT(kid: key.kid, claims: expired).signed(with: key.secret)
            case .missingExp:
                var noExp = claims
                noExp.removeValue(forKey: "exp")
                return HandMadeJWT(kid: key.kid, claims: noExp).signed(with: key.secret)
            case .futureNotBefore:
                var early = claims
                early["nbf"] = HandMadeJWT.now(offset: 300)
                return HandMadeJWT(kid: key.kid, claims: early).signed(with: key.secret)
            case .missingScopeClaim:
                var noScope = claims
                noScope.removeValue(forKey: "scope")
                return HandMadeJWT(kid: key.kid, claims: noScope).signed(with: key.secret)
            case .notAJWT:
                return "not-a-token"
            case .emptyBearer:
                return ""
            }
        }
    }

    @Test(arguments: Forgery.allCases)
    func forgedOrInvalidTokensAnswer401WithABearerChallenge(_ forgery: Forgery) async throws {
        try await TestService.run { api in
            let response = try await api.send(.get, "/api/v1/links", token: forgery.token())
            #expect(response.status == .unauthorized)
            #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
            _ = try response.problem()
        }
    }

    @Test func noTokenAnswers401WithAPlainBearerChallenge() async throws {
        try await TestService.run { api in
            for headers: HTTPFields in [[:], [.authorization: "Basic dXNlcjpwYXNz"]] {
                let response = try await api.send(.get, "/api/v1/links", headers: headers)
                #expect(response.status == .unauthorized)
                #expect(response.headers[.wwwAuthenticate] == "Bearer")
                #expect(try response.problem()["type"] as? String == "urn:clicktrail:problem:unauthorized")
            }
        }
    }

    @Test func aHandMadeTokenWithTheSharedKeyIsAccepted() async throws {
        try await TestService.run { api in
            let token = HandMadeJWT(kid: Self.current.kid, claims: Self.validClaims).signed(with: Self.current.secret)
            let status = try await api.send(.get, "/api/v1/links", token: token).status
            #expect(status == .ok)
        }
    }

    @Test func timeClaimsGetSixtySecondsOfLeeway() async throws {
        try await TestService.run { api in
            var claims = Self.validClaims
            claims["exp"] = HandMadeJWT.now(offset: -30)
            claims["nbf"] = HandMadeJWT.now(offset: 30)
            claims["iat"] = HandMadeJWT.now()
            let token = HandMadeJWT(kid: Self.current.kid, claims: claims).signed(with: Self.current.secret)
            let status = try await api.send(.get, "/api/v1/links", token: token).status
            #expect(status == .ok)
        }
    }

    @Test func aRotatedOutSigningKeyStillVerifiesWhileListed() async throws {
        try await TestService.run { api in
            let older = TestService.olderKey
            let token = HandMadeJWT(kid: older.kid, claims: Self.validClaims).signed(with: older.secret)
            let status = try await api.send(.get, "/api/v1/links", token: token).status
            #expect(status == .ok)
            // Once dropped from the key set, the same token is refused.
        }
        try await TestService.run(keys: [TestService.signingKey]) { api in
            let older = TestService.olderKey
            let token = HandMadeJWT(kid: older.kid, claims: Self.validClaims).signed(with: older.secret)
            let status = try await api.send(.get, "/api/v1/links", token: token).status
            #expect(status == .unauthorized)
        }
    }

    @Test func mintedTokensAreSignedWithTheFirstKey() async throws {
        try await TestService.run { api in
            let token = try await api.token(.linksRead)
            let header = try #require(token.split(separator: ".").first)
            var base64 = header.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
            base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
            let decoded = try #require(Data(base64Encoded: base64))
            let object = try #require(try JSONSerialization.jsonObject(with: decoded) as? [String: Any])
            #expect(object["kid"] as? String == TestService.signingKey.kid)
            #expect(object["alg"] as? String == "HS256")
        }
    }

    @Test func aValidTokenWithoutTheScopeAnswers403() async throws {
        try await TestService.run { api in
            let statsOnly = try await api.token(.statsRead)
            let reader = try await api.token(.linksRead)
            let listing = try await api.send(.get, "/api/v1/links", token: statsOnly)
            #expect(listing.status == .forbidden)
            #expect(try listing.problem()["detail"] as? String == "this token lacks the scope 'links:read'")
            let create = try await api.send(.post, "/api/v1/links", token: reader, json: #"{"slug":"a","url":"https://x.example"}"#)
            #expect(create.status == .forbidden)
            #expect(try await api.send(.get, "/api/v1/links/a", token: reader).status == .notFound)
        }
    }

    @Test func writeScopeImpliesReadAndAdminGrantsAll() async throws {
        try await TestService.run { api in
            let writer = try await api.token(.linksWrite)
            #expect(try await api.send(.post, "/api/v1/links", token: writer, json: #"{"slug":"a","url":"https://x.example"}"#).status == .created)
            #expect(try await api.send(.get, "/api/v1/links/a", token: writer).status == .ok)
            #expect(try await api.send(.delete, "/api/v1/links/a", token: try await api.token(.admin)).status == .noContent)
        }
    }
}
