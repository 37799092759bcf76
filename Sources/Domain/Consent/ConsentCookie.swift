import Foundation

/// The consent cookie formats Clicktrail reads (docs/architecture.md, "Consent"). A cookie that is present but cannot be
/// read counts as "everything denied": a visitor who answered a banner is never taken to have
/// granted what we could not read.
public enum ConsentCookieFormat: String, Sendable, CaseIterable {
    case clicktrail
    case cookiebot
    case cookieyes

    /// The cookie each platform writes, unless `CLICKTRAIL_CONSENT_COOKIE` names another.
    public var defaultCookieName: String {
        switch self {
        case .clicktrail: "clicktrail_consent"
        case .cookiebot: "CookieConsent"
        case .cookieyes: "cookieyes-consent"
        }
    }

    /// The signals a cookie value of this format gives.
    public func signals(fromCookieValue raw: String) -> ConsentSignals {
        let value = raw.removingPercentEncoding ?? raw
        let parsed: ConsentSignals? =
            switch self {
            case .clicktrail: Self.clicktrail(value)
            case .cookiebot: Self.cookiebot(value)
            case .cookieyes: Self.cookieyes(value)
            }
        return parsed ?? .allDenied
    }

    /// Our own format, for sites whose banner is custom: a JSON object of the four signals
    /// (`{"analytics_storage":"granted",…}`) or `analytics_storage:granted,ad_storage:denied` pairs.
    /// Signals not named are denied; a value other than granted or denied makes it unreadable.
    private static func clicktrail(_ value: String) -> ConsentSignals? {
        let pairs: [(String, String)]
        if value.trimmingCharacters(in: .whitespaces).hasPrefix("{") {
            guard let object = try? JSONSerialization.jsonObject(with: Data(value.utf8)) as? [String: Any] else { return nil }
            var strings: [(String, String)] = []
            for (name, state) in object {
                guard let state = state as? String else { return nil }
                strings.append((name, state))
            }
            pairs = strings
        } else {
            pairs = keyValuePairs(value)
        }
        var signals = ConsentSignals.allDenied
        for (name, text) in pairs where ConsentSignals.names.contains(name) {
            guard let state = ConsentSignals.State(rawValue: text.lowercased()) else { return nil }
            signals[name] = state
        }
        return signals
    }

    /// Cookiebot's `CookieConsent`: a JavaScript object literal such as
    /// `{stamp:'…',necessary:true,preferences:false,statistics:true,marketing:false,method:'explicit',ver:1}`,
    /// or `-1` when "the user is not within a region that requires consent — all cookies are
    /// accepted". Cookiebot developer documentation, "Reading the consent cookie on the server side":
    /// https://www.cookiebot.com/en/developer/ (statistics → analytics_storage, marketing → the ad signals).
    private static func cookiebot(_ value: String) -> ConsentSignals? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if trimmed == "-1" { return .allGranted }
        guard trimmed.hasPrefix("{"), trimmed.hasSuffix("}") else { return nil }
        let fields = Dictionary(keyValuePairs(String(trimmed.dropFirst().dropLast())), uniquingKeysWith: { first, _ in first })
        guard let statistics = fields["statistics"].flatMap(Bool.init), let marketing = fields["marketing"].flatMap(Bool.init) else {
            return nil
        }
        return ConsentSignals(analytics: statistics, advertising: marketing)
    }

    /// CookieYes' `cookieyes-consent`: comma-separated `key:value` pairs such as
    /// `consentid:…,consent:yes,action:yes,necessary:yes,functional:no,analytics:yes,performance:no,advertisement:no`.
    /// CookieYes documentation, "Cookies installed by CookieYes" and "getCkyConsent":
    /// https://www.cookieyes.com/documentation/retrieving-consent-data-using-api-getckyconsent/
    /// (analytics → analytics_storage, advertisement → the ad signals).
    private static func cookieyes(_ value: String) -> ConsentSignals? {
        let fields = Dictionary(keyValuePairs(value), uniquingKeysWith: { first, _ in first })
        func answer(_ key: String) -> Bool? {
            switch fields[key] {
            case "yes": true
            case "no": false
            default: nil
            }
        }
        guard let analytics = answer("analytics"), let advertisement = answer("advertisement") else { return nil }
        return ConsentSignals(analytics: analytics, advertising: advertisement)
    }

    /// `a:1,b:'x'` → [("a","1"), ("b","x")]: quotes and spaces around keys and values dropped.
    private static func keyValuePairs(_ text: String) -> [(String, String)] {
        let unquote = CharacterSet.whitespaces.union(CharacterSet(charactersIn: "'\""))
        return text.split(separator: ",").compactMap { pair in
            let parts = pair.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { return nil }
            return (parts[0].trimmingCharacters(in: unquote), parts[1].trimmingCharacters(in: unquote))
        }
    }
}
