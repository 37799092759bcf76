import Crypto
import Foundation

/// The HMAC keys that sign and verify admin tokens. The first signs; all verify, so a key can be
/// rotated by putting the new one first and dropping the old one once its tokens expired.
package struct AdminKeySet: Sendable, Equatable {
    package struct Key: Sendable, Equatable {
        package var kid: String
        package var secret: [UInt8]

        package init(kid: String, secret: [UInt8]) {
            self.kid = kid
            self.secret = secret
        }
    }

    /// HS256 wants a key at least as long as its output (RFC 7518 §3.2); jwt-kit also asserts it.
    package static let minimumSecretLength = 32

    package let keys: [Key]

    package init(keys: [Key]) throws(ConfigurationError) {
        guard !keys.isEmpty else { throw ConfigurationError("no admin key given") }
        var seen = Set<String>()
        for key in keys {
            guard !key.kid.isEmpty else { throw ConfigurationError("an admin key has an empty kid") }
            guard seen.insert(key.kid).inserted else {
                throw ConfigurationError("admin key id '\(key.kid)' appears twice")
            }
            guard key.secret.count >= Self.minimumSecretLength else {
                throw ConfigurationError(
                    "admin key '\(key.kid)' is \(key.secret.count) bytes; at least \(Self.minimumSecretLength) are required")
            }
        }
        self.keys = keys
    }

    package var signingKey: Key { keys[0] }

    /// Parses `kid:base64secret[,kid:base64secret…]` (commas or newlines between keys).
    /// `origin` names where the text came from, for the error message.
    package static func parse(_ text: String, origin: String) throws(ConfigurationError) -> AdminKeySet {
        let entries = text.split(whereSeparator: { $0 == "," || $0.isNewline })
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
        var keys: [Key] = []
        for entry in entries {
            guard let colon = entry.firstIndex(of: ":") else {
                throw ConfigurationError("\(origin): each key must be written kid:base64secret")
            }
            let kid = String(entry[..<colon])
            guard let secret = Data(base64Encoded: String(entry[entry.index(after: colon)...])) else {
                throw ConfigurationError("\(origin): the secret of key '\(kid)' is not valid base64")
            }
            keys.append(Key(kid: kid, secret: Array(secret)))
        }
        return try AdminKeySet(keys: keys)
    }

    /// A new random 256-bit key with a random kid.
    package static func generate() -> AdminKeySet {
        let secret = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
        let kidBytes = (0..<4).map { _ in UInt8.random(in: .min ... .max) }
        let kid = "k" + kidBytes.map { String(format: "%02x", $0) }.joined()
        // Both sizes satisfy the rules checked by init.
        return try! AdminKeySet(keys: [Key(kid: kid, secret: secret)])
    }

    /// The key file's text: one `kid:base64secret` a line.
    package var fileText: String {
        keys.map { "\($0.kid):\(Data($0.secret).base64EncodedString())" }.joined(separator: "\n") + "\n"
    }
}
