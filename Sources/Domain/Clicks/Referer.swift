/// A referer reduced to what may be stored (docs/architecture.md, "Privacy"): scheme, host and path. Query and fragment
/// may carry personal data; only the lead parameters are taken from the query, into their own fields.
public struct Referer: Sendable, Equatable {
    public static let maxStoredLength = 512

    /// `scheme://host[:port]/path`, lower-case scheme and host, at most 512 characters.
    public let normalized: String
    public let host: String
    /// The port the URL names, or the scheme's default.
    public let port: Int
    /// The raw query string, for lead parameters only; never stored.
    public let query: Substring?

    /// Parses an absolute http(s) URL; anything else (relative, other schemes, control
    /// characters, no host) counts as no referer.
    public init?(_ raw: String) {
        guard !raw.isEmpty, !TextRules.containsControlCharacter(raw), !raw.utf8.contains(UInt8(ascii: " ")) else { return nil }
        // Byte-wise: this runs for every hit on the redirect's hot path.
        let bytes = raw.utf8
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")),
            bytes[colon...].starts(with: "://".utf8)
        else { return nil }
        let scheme = raw[..<colon].lowercased()
        guard scheme == "http" || scheme == "https" else { return nil }
        let schemeEnd = bytes.index(colon, offsetBy: 3)
        let afterScheme = raw[schemeEnd...]
        let authorityEnd = Self.firstIndex(in: afterScheme, ofAny: "/?#")
        var authority = afterScheme[..<authorityEnd]
        // User info is personal data and never part of what is stored.
        if let at = authority.utf8.lastIndex(of: UInt8(ascii: "@")) { authority = authority[authority.utf8.index(after: at)...] }
        guard let (host, explicitPort) = Self.split(authority: authority) else { return nil }
        let port = explicitPort ?? (scheme == "https" ? 443 : 80)

        let rest = afterScheme[authorityEnd...]
        let pathEnd = Self.firstIndex(in: rest, ofAny: "?#")
        let path = rest[..<pathEnd].isEmpty ? "/" : String(rest[..<pathEnd])
        var query: Substring?
        if pathEnd < rest.endIndex, rest.utf8[pathEnd] == UInt8(ascii: "?") {
            let queryStart = rest.utf8.index(after: pathEnd)
            query = rest[queryStart..<Self.firstIndex(in: rest[queryStart...], ofAny: "#")]
        }
        let defaultPort = scheme == "https" ? 443 : 80
        let whole = scheme + "://" + host + (port == defaultPort ? "" : ":\(port)") + path
        // No scalar count can exceed the byte count: most referers need no cut at all.
        self.normalized =
            whole.utf8.count <= Self.maxStoredLength ? whole : String(String.UnicodeScalarView(whole.unicodeScalars.prefix(Self.maxStoredLength)))
        self.host = host
        self.port = port
        self.query = query
    }

    /// The first of the ASCII `delimiters` in `text`, or its end. Byte-wise, not by `Character`:
    /// grapheme breaking was a measurable share of every redirect.
    private static func firstIndex(in text: Substring, ofAny delimiters: StaticString) -> Substring.Index {
        let set = UnsafeBufferPointer(start: delimiters.utf8Start, count: delimiters.utf8CodeUnitCount)
        return text.utf8.firstIndex(where: set.contains) ?? text.endIndex
    }

    /// The path of a stored (normalised) referer: what stats group internal referers by, and
    /// what page-view paths are matched against.
    public static func path(ofStored normalized: String) -> String {
        let bytes = normalized.utf8
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")),
            let hostStart = bytes.index(colon, offsetBy: 3, limitedBy: bytes.endIndex)
        else { return "/" }
        return bytes[hostStart...].firstIndex(of: UInt8(ascii: "/")).map { String(normalized[$0...]) } ?? "/"
    }

    /// The lower-cased host (brackets kept for IPv6, trailing dot dropped) and explicit port.
    static func split(authority: Substring) -> (host: String, port: Int?)? {
        var hostPart = authority
        var port: Int?
        if authority.hasPrefix("[") {
            guard let close = authority.utf8.firstIndex(of: UInt8(ascii: "]")) else { return nil }
            hostPart = authority[...close]
            let after = authority[authority.utf8.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":"), let number = Int(after.dropFirst()), (0...65535).contains(number) else { return nil }
                port = number
            }
        } else if let colon = authority.utf8.lastIndex(of: UInt8(ascii: ":")) {
            hostPart = authority[..<colon]
            let portText = authority[authority.utf8.index(after: colon)...]
            if !portText.isEmpty {
                guard let number = Int(portText), (0...65535).contains(number) else { return nil }
                port = number
            }
        }
        var host = hostPart.lowercased()
        if host.hasSuffix(".") { host.removeLast() }
        guard !host.isEmpty else { return nil }
        return (host, port)
    }
}
