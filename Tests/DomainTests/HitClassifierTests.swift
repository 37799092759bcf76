import Domain
import Testing

@Suite struct HitClassifierTests {
    static let browser = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"
    static let classifier = HitClassifier(bots: try! BotMatcher(signatures: ["crawler", "curl/"], expressions: []))
    static let site = try! SiteHosts(parsing: "example.com")

    private func verdict(
        head: Bool = false, prefetch: Bool = false, userAgent: String? = browser,
        referer: String? = "https://example.com/blog/post", lead: LeadSource = LeadSource(), site: SiteHosts = site
    ) -> HitVerdict {
        Self.classifier.classify(Hit(
            isHead: head, isPrefetch: prefetch, userAgent: userAgent, referer: referer, leadSource: lead, siteHosts: site))
    }

    @Test func aBrowserGETFromTheSitesOwnPageCounts() {
        let result = verdict()
        #expect(result.reason == .ok)
        #expect(result.counted)
        #expect(result.refererClass == .internal)
    }

    @Test func eachFailingRuleNamesItsReason() {
        #expect(verdict(head: true).reason == .head)
        #expect(verdict(prefetch: true).reason == .prefetch)
        #expect(verdict(userAgent: "curl/8.4.0").reason == .bot)
        #expect(verdict(referer: nil).reason == .noReferer)
        #expect(verdict(referer: "https://news.example.org/").reason == .externalReferer)
        for reason in [verdict(head: true), verdict(prefetch: true), verdict(userAgent: "curl/8"), verdict(referer: nil)] {
            #expect(!reason.counted)
        }
    }

    @Test func theFirstFailingRuleInSpecOrderWins() {
        #expect(verdict(head: true, prefetch: true, userAgent: "curl/8", referer: "https://elsewhere.example/").reason == .head)
        #expect(verdict(prefetch: true, userAgent: "curl/8", referer: nil).reason == .prefetch)
        #expect(verdict(userAgent: "curl/8", referer: nil).reason == .bot)
        #expect(verdict(userAgent: nil, referer: "https://elsewhere.example/").reason == .bot)
    }

    @Test(arguments: [nil, "", "   "])
    func anEmptyOrMissingUserAgentIsABot(_ userAgent: String?) {
        #expect(verdict(userAgent: userAgent).reason == .bot)
    }

    @Test(arguments: [
        "/relative/path", "example.com/page", "ftp://example.com/", "javascript:alert(1)", "https://",
        "https://exa\u{0}mple.com/", "https://example.com/\r\nX: y", "not a url", "https://example.com:99999/",
    ])
    func aRefererThatIsNotAnAbsoluteHTTPURLCountsAsNone(_ referer: String) {
        let result = verdict(referer: referer)
        #expect(result.refererClass == .none)
        #expect(result.reason == .noReferer)
        #expect(result.referer == nil)
    }

    @Test func theStoredRefererKeepsSchemeHostAndPathOnly() {
        #expect(verdict(referer: "HTTPS://User:Secret@Example.COM/Blog/Post?email=a@b.example#comments").referer
            == "https://example.com/Blog/Post")
        #expect(verdict(referer: "https://example.com").referer == "https://example.com/")
        #expect(verdict(referer: "http://example.com:80/a").referer == "http://example.com/a")
        #expect(verdict(referer: "https://example.com:8443/a?b").referer == "https://example.com:8443/a")
        let long = "https://example.com/" + String(repeating: "p", count: 1000) + "?q=1"
        #expect(verdict(referer: long).referer?.count == Referer.maxStoredLength)
    }

    @Test func leadParametersComeFromTheGoURLElseFromTheReferer() {
        let fromReferer = verdict(referer: "https://example.com/?utm_source=news&utm_medium=email&utm_campaign=spring+sale&gclid=abc%21&x=1")
        #expect(fromReferer.leadSource.utmSource == "news")
        #expect(fromReferer.leadSource.utmMedium == "email")
        #expect(fromReferer.leadSource.utmCampaign == "spring sale")
        #expect(fromReferer.leadSource[.gclid] == "abc!")
        var own = LeadSource()
        own.utmSource = "partner"
        let fromGo = verdict(referer: "https://example.com/?utm_source=news&utm_medium=email", lead: own)
        #expect(fromGo.leadSource.utmSource == "partner")
        #expect(fromGo.leadSource.utmMedium == nil)
    }

    @Test func leadParameterValuesAreCleaned() {
        let source = LeadSource(parameters: [
            ("utm_source", "  first  "), ("utm_source", "second"), ("utm_medium", "\u{7}"),
            ("utm_term", String(repeating: "t", count: 300)), ("fbclid", "x\u{0}y"), ("other", "ignored"),
        ])
        #expect(source.utmSource == "first")
        #expect(source.utmMedium == nil)
        #expect(source[.utmTerm]?.count == LeadSource.maxValueLength)
        #expect(source[.fbclid] == "xy")
        #expect(LeadSource(query: "msclkid=1&twclid=2&aclk=3&utm_content=c%20d")[.msclkid] == "1")
        #expect(LeadSource(query: "utm_content=c%20d&utm_content=e")[.utmContent] == "c d")
        #expect(LeadSource(query: "a=%ZZ&utm_source=%ZZ").utmSource == "%ZZ")
    }
}
