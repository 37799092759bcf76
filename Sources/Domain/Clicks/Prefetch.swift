/// Speculative loads announce themselves in request headers; a prefetched `/go/` is no click.
public enum Prefetch {
    /// The header names that carry a purpose, as browsers and proxies send them:
    /// `Sec-Purpose: prefetch` / `prefetch;prerender` (Fetch standard), `Purpose: prefetch` (older
    /// Chrome, Safari), `X-Purpose: preview` (Safari top sites), `X-Moz: prefetch` (Firefox).
    public static let headerNames = ["sec-purpose", "purpose", "x-purpose", "x-moz"]

    /// Whether a header value of one of `headerNames` marks a speculative load.
    public static func isSpeculative(_ value: String) -> Bool {
        let lowered = value.lowercased()
        return lowered.contains("prefetch") || lowered.contains("prerender") || lowered.contains("preview")
    }
}
