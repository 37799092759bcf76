import Synchronization

/// The rules a redirect destination must pass before it is stored; `Location` headers are built
/// only from stored URLs, so this is the one gate against header injection and odd schemes.
///
/// The rule is a pattern, published as is in openapi.yaml, so the API and its description agree
/// exactly on what is accepted: an absolute http(s) URL with a host name or IPv4 address, an
/// optional port from 0 to 65535, and then only RFC 3986 characters (already percent-encoded as
/// needed). IPv6 literals are not accepted: the exact RFC 3986 grammar for them is a pattern of
/// 1,400 characters, a loose one let `[f42BE]` through (which HTTP clients then fail to follow),
/// and no affiliate destination is an IPv6 literal.
/// User info (`https://bank.example@evil.example`) is refused: it only ever serves to mislead.
public enum DestinationURL {
    public static let maxLength = 2048
    public static let pattern =
        #"^[Hh][Tt][Tt][Pp][Ss]?://[A-Za-z0-9][A-Za-z0-9.-]*(:(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[0-9]{1,4}))?([/?#][A-Za-z0-9._~!$&'()*+,;=:@/?#%\[\]-]*)?$"#

    /// Compiled once: an import validates thousands of URLs. Regex is not Sendable, so it is
    /// only used under the lock.
    private static let compiled = Mutex(try? Regex(pattern))

    /// Why `candidate` is not an acceptable destination, or nil when it is.
    public static func problem(with candidate: String) -> String? {
        if candidate.isEmpty { return "must not be empty" }
        if candidate.unicodeScalars.count > maxLength { return "must be at most \(maxLength) characters" }
        if TextRules.containsControlCharacter(candidate) || candidate.contains(" ") {
            return "must not contain control characters or spaces"
        }
        guard compiled.withLock({ regex in regex.map { candidate.wholeMatch(of: $0) != nil } ?? false }) else {
            return "must be an absolute http or https URL with a host, no user info, and only URL characters (percent-encode others)"
        }
        return nil
    }
}
