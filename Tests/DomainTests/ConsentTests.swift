import Domain
import Foundation
import Testing

@Suite struct ConsentCookieTests {
    static let adsOnly = ConsentSignals(analyticsStorage: .denied, adStorage: .granted, adUserData: .granted, adPersonalization: .granted)
    static let analyticsOnly = ConsentSignals(analyticsStorage: .granted)

    @Test func clicktrailReadsURLEncodedJSONAndSignalPairs() {
        let format = ConsentCookieFormat.clicktrail
        #expect(format.defaultCookieName == "clicktrail_consent")
        let json = #"{"analytics_storage":"granted","ad_storage":"denied","ad_user_data":"denied","ad_personalization":"denied"}"#
        #expect(format.signals(fromCookieValue: json.addingPercentEncodingForCookie) == Self.analyticsOnly)
        #expect(format.signals(fromCookieValue: "analytics_storage:granted,ad_storage:denied") == Self.analyticsOnly)
        #expect(format.signals(fromCookieValue: "analytics_storage:granted,ad_storage:granted,ad_user_data:granted,ad_personalization:granted") == .allGranted)
        #expect(format.signals(fromCookieValue: "analytics_storage:denied") == .allDenied)
        // Signals not named stay denied; other names are ignored.
        #expect(format.signals(fromCookieValue: "ad_storage:granted,theme:dark").adStorage == .granted)
        #expect(format.signals(fromCookieValue: "ad_storage:granted,theme:dark").analyticsStorage == .denied)
    }

    @Test(arguments: ["analytics_storage:yes", "{not json", #"{"analytics_storage":true}"#, #"{"analytics_storage":"maybe"}"#, ""])
    func aMalformedClicktrailCookieDeniesEverything(_ value: String) {
        #expect(ConsentCookieFormat.clicktrail.signals(fromCookieValue: value) == .allDenied)
    }

    @Test func cookiebotMapsStatisticsAndMarketing() {
        let format = ConsentCookieFormat.cookiebot
        #expect(format.defaultCookieName == "CookieConsent")
        func cookie(statistics: Bool, marketing: Bool) -> String {
            "{stamp:'-4TzB1Kv0kbNhx9xIj+4gq9Cw5Y1E2m8QhK6g==',necessary:true,preferences:false,statistics:\(statistics),marketing:\(marketing),method:'explicit',ver:1,utc:1700000000000,region:'de'}"
                .addingPercentEncodingForCookie
        }
        #expect(format.signals(fromCookieValue: cookie(statistics: true, marketing: false)) == Self.analyticsOnly)
        #expect(format.signals(fromCookieValue: cookie(statistics: false, marketing: true)) == Self.adsOnly)
        #expect(format.signals(fromCookieValue: cookie(statistics: true, marketing: true)) == .allGranted)
        #expect(format.signals(fromCookieValue: cookie(statistics: false, marketing: false)) == .allDenied)
        // Cookiebot writes -1 where no consent is required: all cookies accepted.
        #expect(format.signals(fromCookieValue: "-1") == .allGranted)
    }

    @Test(arguments: ["{statistics:true}", "statistics:true,marketing:true", "{statistics:yes,marketing:no}", "garbage"])
    func aMalformedCookiebotCookieDeniesEverything(_ value: String) {
        #expect(ConsentCookieFormat.cookiebot.signals(fromCookieValue: value) == .allDenied)
    }

    @Test func cookieyesMapsAnalyticsAndAdvertisement() {
        let format = ConsentCookieFormat.cookieyes
        #expect(format.defaultCookieName == "cookieyes-consent")
        func cookie(analytics: String, advertisement: String) -> String {
            "consentid:dGhpcyBpcyBhbiBpZA,consent:yes,action:yes,necessary:yes,functional:no,analytics:\(analytics),performance:no,advertisement:\(advertisement),other:no"
        }
        #expect(format.signals(fromCookieValue: cookie(analytics: "yes", advertisement: "no")) == Self.analyticsOnly)
        #expect(format.signals(fromCookieValue: cookie(analytics: "no", advertisement: "yes")) == Self.adsOnly)
        #expect(format.signals(fromCookieValue: cookie(analytics: "yes", advertisement: "yes")) == .allGranted)
        #expect(format.signals(fromCookieValue: cookie(analytics: "no", advertisement: "no")) == .allDenied)
        #expect(format.signals(fromCookieValue: cookie(analytics: "yes", advertisement: "no").addingPercentEncodingForCookie) == Self.analyticsOnly)
    }

    @Test(arguments: ["consent:yes,analytics:true,advertisement:no", "analytics:yes", "", "{}"])
    func aMalformedCookieyesCookieDeniesEverything(_ value: String) {
        #expect(ConsentCookieFormat.cookieyes.signals(fromCookieValue: value) == .allDenied)
    }
}

@Suite struct ConsentResolutionTests {
    @Test func theFirstSourceThatSpeaksWins() {
        let explicit = ConsentSignals(analyticsStorage: .granted)
        let cookie = ConsentSignals.allGranted
        let stored = ConsentSignals(adStorage: .granted)
        #expect(ConsentResolution.resolve(explicit: explicit, cookie: cookie, stored: stored) == (explicit, .explicit))
        #expect(ConsentResolution.resolve(explicit: nil, cookie: cookie, stored: stored) == (cookie, .cookie))
        #expect(ConsentResolution.resolve(explicit: nil, cookie: nil, stored: stored) == (stored, .stored))
        #expect(ConsentResolution.resolve(explicit: nil, cookie: nil, stored: nil) == (.allDenied, .none))
    }

    @Test func anExplicitDenialOverridesAStoredGrant() {
        let resolved = ConsentResolution.resolve(explicit: .allDenied, cookie: nil, stored: .allGranted)
        #expect(resolved.signals.analyticsStorage == .denied)
    }
}

extension String {
    /// As a browser-side script stores a cookie value: everything but letters and digits escaped.
    var addingPercentEncodingForCookie: String {
        addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? self
    }
}
