/// A hit on `/go/<slug>` (or one reported over JSON-RPC) as far as counting is concerned.
public struct Hit: Sendable {
    public var isHead: Bool
    public var isPrefetch: Bool
    public var userAgent: String?
    public var referer: String?
    /// The lead parameters of the hit's own URL; when empty, the referer's are used.
    public var leadSource: LeadSource
    public var siteHosts: SiteHosts

    public init(isHead: Bool, isPrefetch: Bool, userAgent: String?, referer: String?, leadSource: LeadSource, siteHosts: SiteHosts) {
        self.isHead = isHead
        self.isPrefetch = isPrefetch
        self.userAgent = userAgent
        self.referer = referer
        self.leadSource = leadSource
        self.siteHosts = siteHosts
    }
}

/// The verdict on a hit: what is stored about it. Holds no user agent and no raw referer.
public struct HitVerdict: Sendable, Equatable {
    public var reason: HitReason
    public var refererClass: RefererClass
    /// Scheme, host and path only.
    public var referer: String?
    public var leadSource: LeadSource

    public var counted: Bool { reason.isCounted }

    public init(reason: HitReason, refererClass: RefererClass, referer: String?, leadSource: LeadSource) {
        self.reason = reason
        self.refererClass = refererClass
        self.referer = referer
        self.leadSource = leadSource
    }
}

/// The counting rules (README, "The redirect"): a hit counts only when it is a GET, not a prefetch, not from a
/// bot, and referred by one of the site's own pages; otherwise the first failing rule names it.
public struct HitClassifier: Sendable {
    private let bots: BotMatcher
    /// `CLICKTRAIL_CUSTOM_TAGS`: also captured from the referer's query.
    private let customTags: Set<String>

    public init(bots: BotMatcher, customTags: Set<String> = []) {
        self.bots = bots
        self.customTags = customTags
    }

    public func classify(_ hit: Hit) -> HitVerdict {
        let referer = hit.referer.flatMap(Referer.init)
        let refererClass: RefererClass =
            switch referer {
            case nil: .none
            case let referer?: hit.siteHosts.contains(host: referer.host, port: referer.port) ? .internal : .external
            }
        let reason: HitReason =
            if hit.isHead { .head }
            else if hit.isPrefetch { .prefetch }
            else if bots.isBot(hit.userAgent ?? "") { .bot }
            else if refererClass == .none { .noReferer }
            else if refererClass == .external { .externalReferer }
            else { .ok }
        let leadSource = hit.leadSource.isEmpty ? referer?.query.map { LeadSource(query: $0, customTags: customTags) } ?? LeadSource() : hit.leadSource
        return HitVerdict(reason: reason, refererClass: refererClass, referer: referer?.normalized, leadSource: leadSource)
    }
}
