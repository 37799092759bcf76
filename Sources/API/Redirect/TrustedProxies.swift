import Foundation
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// The networks (`CLICKTRAIL_TRUSTED_PROXIES`) whose `X-Forwarded-Host` and `Forwarded` headers
/// are believed. Anyone else could name any host and turn an external referer into an internal one.
package struct TrustedProxies: Sendable, Equatable {
    struct Network: Sendable, Equatable {
        var bytes: [UInt8]
        var prefixLength: Int
    }

    let networks: [Network]

    package static let none = TrustedProxies(networks: [])

    init(networks: [Network]) {
        self.networks = networks
    }

    /// Parses comma-separated CIDRs (`10.0.0.0/8, ::1/128`); a bare address means just that address.
    package init(parsing list: String) throws(ConfigurationError) {
        var networks: [Network] = []
        for entry in list.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !entry.isEmpty {
            let parts = entry.split(separator: "/", maxSplits: 1).map(String.init)
            guard let bytes = Self.addressBytes(parts[0]) else {
                throw ConfigurationError("CLICKTRAIL_TRUSTED_PROXIES: '\(entry)' is not an IP address or CIDR")
            }
            let maxPrefix = bytes.count * 8
            let prefix = parts.count == 2 ? Int(parts[1]) : maxPrefix
            guard let prefix, (0...maxPrefix).contains(prefix) else {
                throw ConfigurationError("CLICKTRAIL_TRUSTED_PROXIES: '\(entry)' has a bad prefix length")
            }
            networks.append(Network(bytes: bytes, prefixLength: prefix))
        }
        self.networks = networks
    }

    /// No proxy is trusted: the peer's address need not even be looked at.
    var isEmpty: Bool { networks.isEmpty }

    package func contains(ipAddress: String) -> Bool {
        guard !networks.isEmpty, let bytes = Self.addressBytes(ipAddress) else { return false }
        return networks.contains { network in
            guard network.bytes.count == bytes.count else { return false }
            var remaining = network.prefixLength
            for index in bytes.indices where remaining > 0 {
                let bits = min(8, remaining)
                let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
                if bytes[index] & mask != network.bytes[index] & mask { return false }
                remaining -= bits
            }
            return true
        }
    }

    /// 4 bytes for IPv4 (also for IPv4-mapped IPv6, as a dual-stack socket reports it), 16 for IPv6.
    static func addressBytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: &v6) { Array($0) }
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF {
            return Array(bytes[12...])
        }
        return bytes
    }
}
