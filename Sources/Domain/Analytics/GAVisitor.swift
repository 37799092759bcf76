/// What a hit tells about its visitor for GA forwarding: the GA ids and any consent given with
/// the hit itself. Nil on a hit when forwarding is off.
public struct GAVisitor: Sendable, Equatable {
    /// `<a>.<b>`, from the `_ga` cookie or `ga_client_id`; never invented.
    public var clientID: String?
    public var sessionID: Int64?
    /// Consent given explicitly in an RPC call.
    public var explicitConsent: ConsentSignals?
    /// Consent read from the consent cookie of the request.
    public var cookieConsent: ConsentSignals?

    public init(
        clientID: String? = nil, sessionID: Int64? = nil, explicitConsent: ConsentSignals? = nil,
        cookieConsent: ConsentSignals? = nil
    ) {
        self.clientID = clientID
        self.sessionID = sessionID
        self.explicitConsent = explicitConsent
        self.cookieConsent = cookieConsent
    }

    /// Whether the subject's stored consent is needed to decide (it comes third; docs/architecture.md, "Consent").
    public var needsStoredConsent: Bool {
        explicitConsent == nil && cookieConsent == nil && clientID != nil
    }

    /// The consent that decides, given the subject's stored consent when it was needed.
    public func consent(stored: ConsentSignals?) -> ConsentSignals {
        ConsentResolution.resolve(explicit: explicitConsent, cookie: cookieConsent, stored: stored).signals
    }
}
