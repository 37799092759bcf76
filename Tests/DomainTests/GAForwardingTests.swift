import Domain
import Foundation
import Testing

@Suite struct GACookieTests {
    @Test(arguments: [
        ("GA1.1.1234567890.1700000000", "1234567890.1700000000"),
        ("GA1.2.987654321.1699999999", "987654321.1699999999"),
    ])
    func theClientIDIsTheLastTwoPartsOfUnderscoreGA(_ cookie: String, _ clientID: String) {
        #expect(GACookies.clientID(fromClientCookie: cookie) == clientID)
    }

    @Test(arguments: ["", "GA1.1.abc.1700000000", "GA1.1.1234567890", "1234567890.1700000000", "GA1.1.1.2.3", "XX1.1.1.2", "GA1.1..1700000000"])
    func anUnreadableUnderscoreGAGivesNoClientID(_ cookie: String) {
        #expect(GACookies.clientID(fromClientCookie: cookie) == nil)
    }

    @Test func theSessionCookieIsNamedAfterTheMeasurementID() {
        #expect(GACookies.sessionCookieName(measurementID: "G-ABC123") == "_ga_ABC123")
    }

    @Test(arguments: [
        ("GS1.1.1700000123.5.1.1700000456.0.0.0", Int64(1_700_000_123)),
        ("GS2.1.s1700000123$o5$g1$t1700000456$j60$l0$h0", Int64(1_700_000_123)),
    ])
    func bothSessionCookieFormatsGiveTheSessionID(_ cookie: String, _ sessionID: Int64) {
        #expect(GACookies.sessionID(fromSessionCookie: cookie) == sessionID)
    }

    @Test(arguments: ["", "GS1.1", "GS1.1.abc.5", "GS2.1.1700000123$o5", "GS3.1.1700000123.5", "GS2.1.s$o5"])
    func anUnreadableSessionCookieGivesNoSessionID(_ cookie: String) {
        #expect(GACookies.sessionID(fromSessionCookie: cookie) == nil)
    }
}

@Suite struct GAForwardingRuleTests {
    static let granted = ConsentSignals(analyticsStorage: .granted)

    @Test func onlyCountedConsentedHitsWithAClientIDAreQueued() {
        #expect(GAForwarding.status(counted: true, consent: Self.granted, clientID: "1.2") == .queued)
        #expect(GAForwarding.status(counted: false, consent: Self.granted, clientID: "1.2") == .notApplicable)
        #expect(GAForwarding.status(counted: true, consent: .allDenied, clientID: "1.2") == .noConsent)
        #expect(GAForwarding.status(counted: true, consent: Self.granted, clientID: nil) == .noClientID)
        // Consent is the gate: without it the missing id does not matter.
        #expect(GAForwarding.status(counted: true, consent: .allDenied, clientID: nil) == .noConsent)
    }

    @Test func explicitConsentBeatsTheCookieWhichBeatsTheStoredConsent() {
        let cookie = GAVisitor(clientID: "1.2", cookieConsent: Self.granted)
        #expect(!cookie.needsStoredConsent)
        #expect(cookie.consent(stored: .allDenied) == Self.granted)
        let explicit = GAVisitor(clientID: "1.2", explicitConsent: .allDenied, cookieConsent: Self.granted)
        #expect(explicit.consent(stored: .allGranted) == .allDenied)
        let storedOnly = GAVisitor(clientID: "1.2")
        #expect(storedOnly.needsStoredConsent)
        #expect(storedOnly.consent(stored: .allGranted) == .allGranted)
        #expect(storedOnly.consent(stored: nil) == .allDenied)
        // Without a client id there is no subject to look up.
        #expect(!GAVisitor().needsStoredConsent)
    }

    @Test func anAffiliateClickCarriesTheLinkTheRefererTheSessionAndTheCampaign() throws {
        var lead = LeadSource(parameters: [(name: "utm_source", value: "news"), (name: "utm_medium", value: "email"), (name: "utm_campaign", value: "spring"), (name: "gclid", value: "abc")])
        lead.custom = ["partner": "x"]
        let click = ClickRecord(
            linkID: 7, linkSlug: "summer-sale", occurredAt: Date(timeIntervalSince1970: 1_800_000_000.1234),
            verdict: HitVerdict(reason: .ok, refererClass: .internal, referer: "https://blog.example/post", leadSource: lead))
        let consent = ConsentSignals(analyticsStorage: .granted, adUserData: .granted)
        let payload = try #require(
            GAForwarding.affiliateClick(click, linkSlug: "summer-sale", clientID: "11.22", sessionID: 1_799_999_000, consent: consent))
        let body = try JSONSerialization.jsonObject(with: payload.encoded()) as? [String: Any]
        #expect(body?["client_id"] as? String == "11.22")
        #expect(body?["timestamp_micros"] as? Int64 == 1_800_000_000_123_000)
        #expect(body?["consent"] as? [String: String] == ["ad_user_data": "GRANTED", "ad_personalization": "DENIED"])
        let events = try #require(body?["events"] as? [[String: Any]])
        #expect(events.count == 1)
        #expect(events[0]["name"] as? String == "affiliate_click")
        let params = try #require(events[0]["params"] as? [String: Any])
        #expect(params["link_slug"] as? String == "summer-sale")
        #expect(params["link_id"] as? Int == 7)
        #expect(params["referer_class"] as? String == "internal")
        #expect(params["page_location"] as? String == "https://blog.example/post")
        #expect(params["engagement_time_msec"] as? Int == 1)
        #expect(params["session_id"] as? Int == 1_799_999_000)
        #expect(params["source"] as? String == "news")
        #expect(params["medium"] as? String == "email")
        #expect(params["campaign"] as? String == "spring")
        // Click ids and custom tags identify ad clicks, not campaigns: they stay home.
        #expect(Set(params.keys) == ["link_slug", "link_id", "referer_class", "page_location", "engagement_time_msec", "session_id", "source", "medium", "campaign"])
    }

    @Test func aPageViewCarriesLocationTitleAndReferrer() throws {
        let view = PageViewRecord(
            path: "/post", occurredAt: Date(timeIntervalSince1970: 1_800_000_000), host: "blog.example", title: "A post",
            referrer: "https://search.example/", visitor: nil)
        let payload = try #require(GAForwarding.pageView(view, clientID: "1.2", sessionID: nil, consent: Self.granted))
        let params = payload.events[0].params
        #expect(payload.events[0].name == "page_view")
        #expect(params["page_location"] == .string("https://blog.example/post"))
        #expect(params["page_title"] == .string("A post"))
        #expect(params["page_referrer"] == .string("https://search.example/"))
        #expect(params["session_id"] == nil)
    }
}

@Suite struct MeasurementLimitTests {
    @Test func valuesAreCutToOneHundredCharactersNeverInsideACharacter() {
        #expect(MeasurementLimits.truncated(String(repeating: "a", count: 100)).count == 100)
        #expect(MeasurementLimits.truncated(String(repeating: "a", count: 250)) == String(repeating: "a", count: 100))
        // Two UTF-16 units each: fifty fit, the fifty-first would be cut in half and is left out.
        let emoji = MeasurementLimits.truncated(String(repeating: "😀", count: 80))
        #expect(emoji == String(repeating: "😀", count: 50))
        let accented = MeasurementLimits.truncated(String(repeating: "é", count: 120))
        #expect(accented.count == 100)
        #expect(accented.unicodeScalars.allSatisfy { $0 == "é" })
    }

    @Test(arguments: [
        ("page_location", true), ("a", true), (String(repeating: "n", count: 40), true),
        (String(repeating: "n", count: 41), false), ("1st", false), ("_private", false), ("has-dash", false),
        ("has space", false), ("google_thing", false), ("ga_thing", false), ("firebase_thing", false), ("", false), ("näme", false),
    ])
    func namesAreLettersDigitsAndUnderscoresAndNotReserved(_ name: String, _ valid: Bool) {
        #expect(MeasurementLimits.isValidName(name) == valid)
    }

    @Test func anEventKeepsTwentyFiveUsableParametersWithTruncatedValues() throws {
        var params: [(String, MeasurementPayload.Value)] = [("ga_session_number", .integer(1)), ("bad-name", .string("x")), ("firebase_conversion", .string("x"))]
        params += (1...30).map { ("p\($0)", .string(String(repeating: "v", count: 150))) }
        let event = try #require(MeasurementLimits.event(name: "affiliate_click", params: params))
        #expect(event.params.count == 25)
        #expect(event.params["p1"] == .string(String(repeating: "v", count: 100)))
        #expect(event.params["p25"] != nil)
        #expect(event.params["p26"] == nil)
        #expect(event.params["bad-name"] == nil && event.params["ga_session_number"] == nil && event.params["firebase_conversion"] == nil)
    }

    @Test(arguments: ["session_start", "first_visit", "user_engagement", "google_event", "9lives", ""])
    func reservedOrMalformedEventNamesAreRefused(_ name: String) {
        #expect(MeasurementLimits.event(name: name, params: []) == nil)
    }

    @Test func aPayloadHoldsAtMostTwentyFiveEventsAndStaysUnder130kB() throws {
        // Each value escapes to six bytes a character: 25 of these events would be about 380 kB.
        let heavy = String(repeating: "\u{01}", count: 100)
        let event = try #require(MeasurementLimits.event(name: "e", params: (1...25).map { ("p\($0)", .string(heavy)) }))
        let payload = try #require(MeasurementLimits.payload(clientID: "1.2", timestampMicros: 1, consent: .allDenied, events: Array(repeating: event, count: 40)))
        let size = try payload.encoded().count
        #expect(size < MeasurementLimits.maxBodyBytes)
        #expect(payload.events.count < 25)
        #expect(payload.events.count > 1)
        let light = try #require(MeasurementLimits.event(name: "e", params: [("p", .string("v"))]))
        #expect(MeasurementLimits.payload(clientID: "1.2", timestampMicros: 1, consent: .allDenied, events: Array(repeating: light, count: 40))?.events.count == 25)
    }
}

@Suite struct RetryPolicyTests {
    @Test func retriesDoubleWithJitterFromSecondsUpToTheCap() {
        let policy = RetryPolicy.standard
        for _ in 0..<200 {
            let first = policy.delay(afterAttempts: 1)
            #expect(first >= .seconds(1) && first <= .seconds(2))
            let third = policy.delay(afterAttempts: 3)
            #expect(third >= .seconds(4) && third <= .seconds(8))
            let late = policy.delay(afterAttempts: 40)
            #expect(late >= .seconds(150) && late <= .seconds(300))
        }
        // Jitter: two hundred draws are not all the same.
        #expect(Set((0..<200).map { _ in policy.delay(afterAttempts: 2) }).count > 1)
    }
}
