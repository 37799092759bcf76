import Foundation
import HTTPTypes
import Hummingbird

/// What the visitor's browser asked for: the request's own `Host` and scheme, or, when the peer
/// is a trusted proxy, what its `Forwarded` (RFC 7239) or `X-Forwarded-*` headers say.
struct ForwardedRequest: Sendable {
    let trustedProxies: TrustedProxies
    private static let forwarded = HTTPField.Name("Forwarded")!
    private static let forwardedHost = HTTPField.Name("X-Forwarded-Host")!
    private static let forwardedProto = HTTPField.Name("X-Forwarded-Proto")!

    /// The host the visitor asked for.
    func host(_ request: Request, peerAddress: () -> String?) -> String {
        if isFromTrustedProxy(peerAddress) {
            if let forwarded = request.headers[Self.forwarded], let host = Self.parameter("host", in: forwarded) {
                return host
            }
            if let forwardedHost = request.headers[Self.forwardedHost]?.split(separator: ",").first {
                return forwardedHost.trimmingCharacters(in: .whitespaces)
            }
        }
        return request.head.authority ?? ""
    }

    /// Whether the visitor's connection was HTTPS; this server itself speaks plain HTTP only.
    func isHTTPS(_ request: Request, peerAddress: () -> String?) -> Bool {
        guard isFromTrustedProxy(peerAddress) else { return false }
        if let forwarded = request.headers[Self.forwarded], let proto = Self.parameter("proto", in: forwarded) {
            return proto.lowercased() == "https"
        }
        let proto = request.headers[Self.forwardedProto]?.split(separator: ",").first
        return proto?.trimmingCharacters(in: .whitespaces).lowercased() == "https"
    }

    private func isFromTrustedProxy(_ peerAddress: () -> String?) -> Bool {
        guard !trustedProxies.isEmpty, let peer = peerAddress() else { return false }
        return trustedProxies.contains(ipAddress: peer)
    }

    /// A parameter of the first element of a `Forwarded` header (the proxy nearest the client).
    static func parameter(_ name: String, in value: String) -> String? {
        let first = value.split(separator: ",").first ?? ""
        for pair in first.split(separator: ";") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2, parts[0].lowercased() == name {
                let text = parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                return text.isEmpty ? nil : text
            }
        }
        return nil
    }
}
