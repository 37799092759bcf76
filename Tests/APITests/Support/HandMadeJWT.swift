import Crypto
import Foundation

/// Builds JWTs byte by byte with swift-crypto's HMAC, independently of jwt-kit, so the tests can
/// both cross-check valid tokens and forge the malformed ones an attacker would send.
struct HandMadeJWT {
    var header: [String: Any] = ["alg": "HS256", "typ": "JWT"]
    var claims: [String: Any]

    init(kid: String?, claims: [String: Any]) {
        if let kid { header["kid"] = kid }
        self.claims = claims
    }

    /// Signed with HMAC-SHA256 (or SHA-512 for `HS512` forgeries) over `secret`.
    func signed(with secret: [UInt8], digest: Digest = .sha256) -> String {
        let input = Self.base64URL(json(header)) + "." + Self.base64URL(json(claims))
        let key = SymmetricKey(data: secret)
        let signature: Data =
            switch digest {
            case .sha256: Data(HMAC<SHA256>.authenticationCode(for: Data(input.utf8), using: key))
            case .sha512: Data(HMAC<SHA512>.authenticationCode(for: Data(input.utf8), using: key))
            }
        return input + "." + Self.base64URL(signature)
    }

    /// `alg: none` style: no signature at all.
    func unsigned() -> String {
        Self.base64URL(json(header)) + "." + Self.base64URL(json(claims)) + "."
    }

    enum Digest { case sha256, sha512 }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    private func json(_ object: [String: Any]) -> Data {
        (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
    }

    static func now(offset: TimeInterval = 0) -> Int {
        Int(Date().timeIntervalSince1970 + offset)
    }
}
