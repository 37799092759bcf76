import Foundation

/// Which hits go to GA and what they carry (README, "The redirect" and "Google Analytics 4 forwarding").
public enum GAForwarding {
    /// GA accepts events backdated by at most this much; older ones are dead-lettered.
    public static let backdatingLimit: TimeInterval = 72 * 3600
    /// A server-side event has no engagement of its own; GA needs a positive value for the event
    /// to count as user activity in its reports.
    static let engagementTimeMsec: Int64 = 1

    /// Only counted hits, only with analytics consent, only with a client id. Consent is checked
    /// first: it is the gate, the client id only the address.
    public static func status(counted: Bool, consent: ConsentSignals, clientID: String?) -> GAStatus {
        guard counted else { return .notApplicable }
        guard consent.analyticsStorage == .granted else { return .noConsent }
        guard clientID != nil else { return .noClientID }
        return .queued
    }

    /// `affiliate_click` for a counted click. The referer is the page the link was clicked on;
    /// the lead fields travel as GA's campaign parameters, which a server-side event otherwise lacks.
    public static func affiliateClick(
        _ click: ClickRecord, linkSlug: String, clientID: String, sessionID: Int64?, consent: ConsentSignals
    ) -> MeasurementPayload? {
        var params: [(String, MeasurementPayload.Value)] = [
            ("link_slug", .string(linkSlug)),
            ("link_id", .integer(click.linkID)),
            ("referer_class", .string(click.verdict.refererClass.rawValue)),
        ]
        if let referer = click.verdict.referer { params.append(("page_location", .string(referer))) }
        params.append(("engagement_time_msec", .integer(engagementTimeMsec)))
        if let sessionID { params.append(("session_id", .integer(sessionID))) }
        let lead = click.verdict.leadSource
        let campaign: [(String, String?)] = [
            ("source", lead.utmSource), ("medium", lead.utmMedium), ("campaign", lead.utmCampaign),
            ("term", lead[.utmTerm]), ("content", lead[.utmContent]),
        ]
        for (name, value) in campaign {
            if let value { params.append((name, .string(value))) }
        }
        return payload(event: "affiliate_click", params: params, clientID: clientID, at: click.occurredAt, consent: consent)
    }

    /// `page_view` for a counted page view.
    public static func pageView(_ view: PageViewRecord, clientID: String, sessionID: Int64?, consent: ConsentSignals) -> MeasurementPayload? {
        var params: [(String, MeasurementPayload.Value)] = [("page_location", .string(view.location))]
        if let title = view.title { params.append(("page_title", .string(title))) }
        if let referrer = view.referrer { params.append(("page_referrer", .string(referrer))) }
        params.append(("engagement_time_msec", .integer(engagementTimeMsec)))
        if let sessionID { params.append(("session_id", .integer(sessionID))) }
        return payload(event: "page_view", params: params, clientID: clientID, at: view.occurredAt, consent: consent)
    }

    /// At the millisecond precision clicks are stored with, so the event's time is the click's.
    static func timestampMicros(_ date: Date) -> Int64 {
        date.epochMillis * 1000
    }

    private static func payload(
        event name: String, params: [(String, MeasurementPayload.Value)], clientID: String, at date: Date, consent: ConsentSignals
    ) -> MeasurementPayload? {
        guard let event = MeasurementLimits.event(name: name, params: params) else { return nil }
        return MeasurementLimits.payload(
            clientID: clientID, timestampMicros: timestampMicros(date), consent: consent,
            events: [event])
    }
}
