import Foundation

/// The hosts whose pages count as the site's own (`CLICKTRAIL_SITE_HOSTS`).
///
/// `example.com` matches that host on any port; `example.com:8443` only that port (the referer's
/// explicit port or its scheme's default); `*.example.com` matches every subdomain of
/// example.com but not example.com itself, so list both when both serve pages. Case and a
/// trailing dot never matter.
public struct SiteHosts: Sendable, Equatable {
    struct Rule: Sendable, Equatable {
        /// The host, or the suffix `.example.com` for a wildcard.
        var host: String
        var isWildcard: Bool
        var port: Int?
    }

    let rules: [Rule]

    /// Parses a comma-separated list; throws naming the first entry that is not a host.
    public init(parsing list: String) throws(ValidationError) {
        var rules: [Rule] = []
        for entry in list.split(separator: ",") {
            let trimmed = entry.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty else { continue }
            let isWildcard = trimmed.hasPrefix("*.")
            let authority = isWildcard ? trimmed.dropFirst(2) : trimmed[...]
            guard !authority.contains("*"), !authority.contains("/"), let (host, port) = Referer.split(authority: authority)
            else {
                throw ValidationError(field: "CLICKTRAIL_SITE_HOSTS", message: "'\(trimmed)' is not a host, *.host or host:port")
            }
            rules.append(Rule(host: isWildcard ? "." + host : host, isWildcard: isWildcard, port: port))
        }
        self.rules = rules
    }

    /// The site is the host the request was sent to (no site hosts configured).
    public init(requestHost: String) {
        let host = Referer.split(authority: requestHost[...])?.host ?? requestHost.lowercased()
        // Behind a proxy the Host header's port is rarely the public one: any port matches.
        rules = [Rule(host: host, isWildcard: false, port: nil)]
    }

    public var isEmpty: Bool { rules.isEmpty }

    public func contains(host: String, port: Int) -> Bool {
        rules.contains { rule in
            let hostMatches = rule.isWildcard ? host.hasSuffix(rule.host) : host == rule.host
            return hostMatches && (rule.port == nil || rule.port == port)
        }
    }
}
