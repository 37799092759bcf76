/// Content negotiation just deep enough for error pages.
enum AcceptHeader {
    /// True when the client accepts JSON and neither HTML nor anything.
    static func prefersJSON(_ accept: String?) -> Bool {
        guard let accept = accept?.lowercased() else { return false }
        return accept.contains("json") && !accept.contains("text/html") && !accept.contains("*/*")
    }
}
