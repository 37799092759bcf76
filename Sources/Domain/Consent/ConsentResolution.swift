/// Where the consent that decided came from (docs/architecture.md, "Consent").
public enum ConsentSource: String, Sendable, Codable {
    case explicit
    case cookie
    case stored
    case none
}

/// The first source that speaks wins — consent given explicitly in the call, then the
/// consent cookie on the request, then the subject's stored consent; otherwise everything denied.
public enum ConsentResolution {
    public static func resolve(
        explicit: ConsentSignals?, cookie: ConsentSignals?, stored: ConsentSignals?
    ) -> (signals: ConsentSignals, source: ConsentSource) {
        if let explicit { return (explicit, .explicit) }
        if let cookie { return (cookie, .cookie) }
        if let stored { return (stored, .stored) }
        return (.allDenied, .none)
    }
}
