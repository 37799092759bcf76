import Domain
import Testing

@Suite struct PageViewRulesTests {
    static let browser = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"
    static let rules = PageViewRules(excludedPrefixes: ["/admin/", "/preview"], bots: try! BotMatcher(signatures: ["crawler"], expressions: []))

    @Test func aBrowsersViewOfAPublicPageCounts() {
        #expect(Self.rules.classify(path: "/blog/post", status: 200, userAgent: Self.browser) == .ok)
    }

    @Test func eachFailingRuleNamesItsReasonInOrder() {
        #expect(Self.rules.classify(path: "/admin/users", status: 200, userAgent: Self.browser) == .excluded)
        #expect(Self.rules.classify(path: "/preview-draft", status: 404, userAgent: "crawler") == .excluded)
        #expect(Self.rules.classify(path: "/missing", status: 404, userAgent: "crawler") == .status)
        #expect(Self.rules.classify(path: "/moved", status: 301, userAgent: Self.browser) == .status)
        #expect(Self.rules.classify(path: "/", status: 200, userAgent: "SomeCrawler/1.0") == .bot)
        #expect(Self.rules.classify(path: "/", status: 200, userAgent: nil) == .bot)
        // A prefix is a prefix of the path, not any substring of it.
        #expect(Self.rules.classify(path: "/docs/admin/", status: 200, userAgent: Self.browser) == .ok)
    }

    @Test func aPathLosesItsQueryAndFragment() throws {
        #expect(try PagePath.normalized("/p?email=a@b.example#top") == "/p")
        #expect(try PagePath.normalized("/") == "/")
        #expect(throws: ValidationError.self) { try PagePath.normalized("blog/post") }
        #expect(throws: ValidationError.self) { try PagePath.normalized("https://example.com/") }
        #expect(throws: ValidationError.self) { try PagePath.normalized("/a\nb") }
        #expect(throws: ValidationError.self) { try PagePath.normalized("/" + String(repeating: "a", count: 512)) }
    }
}

@Suite struct LeadRulesTests {
    @Test func aSubjectIsAnOpaqueIdNeverAnEmailAddress() {
        #expect(Subject.problem(with: "1234567890.1700000000") == nil)
        #expect(Subject.problem(with: "user-42") == nil)
        #expect(Subject.problem(with: "jane@example.com") != nil)
        #expect(Subject.problem(with: "") != nil)
        #expect(Subject.problem(with: "a\tb") != nil)
        #expect(Subject.problem(with: String(repeating: "x", count: 129)) != nil)
    }

    @Test func aLeadNeedsSourceAndMedium() throws {
        var source = LeadSource(parameters: [(name: "utm_source", value: "news"), (name: "utm_medium", value: "email")])
        #expect(try LeadDraft.validated(subject: "v1", source: source, landingPath: "/").source.utmSource == "news")
        source.utmMedium = nil
        #expect(throws: ValidationError(field: "utm_medium", message: "is required")) {
            try LeadDraft.validated(subject: "v1", source: source, landingPath: nil)
        }
        #expect(throws: ValidationError.self) { try LeadDraft.validated(subject: "v1", source: LeadSource(), landingPath: nil) }
    }

    @Test func customTagsAreCapturedOnlyWhenConfigured() {
        let parameters: [(name: String, value: String)] = [("utm_source", "news"), ("partner", " acme "), ("session", "secret")]
        let withTags = LeadSource(parameters: parameters, customTags: ["partner"])
        #expect(withTags.custom == ["partner": "acme"])
        #expect(LeadSource(parameters: parameters).custom.isEmpty)
        #expect(LeadSource(query: "partner=acme%20inc&utm_medium=cpc", customTags: ["partner"]).custom == ["partner": "acme inc"])
    }
}
