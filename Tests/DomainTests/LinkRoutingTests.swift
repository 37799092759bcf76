import Domain
import Foundation
import Testing

/// Where a link sends a visitor: rules by device, language and query (first match wins), weighted
/// destinations, and the link's own URL; the link's state from its schedule and click limit.
@Suite struct LinkRoutingTests {
    static let iPhoneSafari =
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
    static let androidChrome =
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36"
    static let desktopFirefox = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"

    @Test func devicesAreToldFromTheUserAgent() {
        #expect(DeviceClass.classes(ofUserAgent: Self.iPhoneSafari) == [.ios, .mobile])
        #expect(DeviceClass.classes(ofUserAgent: Self.androidChrome) == [.android, .mobile])
        #expect(DeviceClass.classes(ofUserAgent: Self.desktopFirefox) == [.desktop])
        #expect(DeviceClass.classes(ofUserAgent: "Mozilla/5.0 (Windows Phone 10.0; Android 6.0.1) Edge/15") == [.android, .mobile])
        #expect(DeviceClass.classes(ofUserAgent: "Mozilla/5.0 (Mobile; KAIOS 3.0) Firefox/84.0") == [.mobile])
        #expect(DeviceClass.classes(ofUserAgent: "") == [.desktop])
    }

    @Test(arguments: [
        ("de-CH, en;q=0.8", "de"), ("en;q=0.8, de-CH", "de"), ("fr;q=0.5, de;q=0.9", "de"), ("EN-gb", "en"), ("*, fr;q=0.1", "fr"),
        ("de;q=0, en;q=0.1", "en"), ("", nil), ("*", nil), ("1234", nil), ("x-klingon", nil),
    ] as [(String, String?)])
    func theMostPreferredLanguageIsThePrimarySubtagOfTheHighestWeight(_ header: String, _ expected: String?) {
        #expect(AcceptLanguage.mostPreferredPrimarySubtag(header) == expected)
    }

    static let routing = LinkRouting(rules: [
        LinkRule(device: .ios, language: "de", url: "https://shop.example/ios-de"),
        LinkRule(device: .ios, url: "https://shop.example/ios"),
        LinkRule(language: "de", url: "https://shop.example/de"),
        LinkRule(query: ["src": "app", "v": "2"], url: "https://shop.example/app"),
        LinkRule(device: .android, url: "https://shop.example/android"),
        LinkRule(device: .mobile, url: "https://shop.example/mobile"),
    ])

    static func choose(_ userAgent: String?, _ language: String? = nil, _ query: [(String, String)] = []) -> RouteChoice {
        routing.choose(
            for: RoutingFacts(userAgent: userAgent, acceptLanguage: language, query: query.map { (name: $0.0, value: $0.1) }),
            defaultURL: "https://shop.example/", random: { _ in 0 })
    }

    @Test func eachConditionAloneAndCombinedAndTheFirstMatchWins() {
        #expect(Self.choose(Self.iPhoneSafari, "de-CH, en;q=0.8") == RouteChoice(url: "https://shop.example/ios-de", rule: 0, destination: nil))
        #expect(Self.choose(Self.iPhoneSafari, "en") == RouteChoice(url: "https://shop.example/ios", rule: 1, destination: nil))
        #expect(Self.choose(Self.desktopFirefox, "de-CH, en;q=0.8").rule == 2)
        #expect(Self.choose(Self.desktopFirefox, nil, [("v", "2"), ("src", "app"), ("x", "y")]).rule == 3)
        #expect(Self.choose(Self.desktopFirefox, nil, [("src", "app")]).rule == nil, "every query pair must be present")
        #expect(Self.choose(Self.desktopFirefox, nil, [("src", "App"), ("v", "2")]).rule == nil, "values compare exactly")
        #expect(Self.choose(Self.androidChrome).rule == 4)
        #expect(Self.choose("Mozilla/5.0 (Mobile; KAIOS 3.0) Firefox/84.0").rule == 5)
        #expect(Self.choose(Self.desktopFirefox, "fr") == RouteChoice(url: "https://shop.example/", rule: nil, destination: nil))
    }

    @Test func aRuleWithoutConditionsMatchesEveryone() {
        let routing = LinkRouting(rules: [LinkRule(url: "https://shop.example/all")])
        #expect(routing.choose(for: RoutingFacts(userAgent: nil, acceptLanguage: nil, query: []), defaultURL: "https://x.example", random: { _ in 0 }).rule == 0)
    }

    /// 10,000 draws with the system's random numbers land within the binomial 99.9 % interval of
    /// 25 % (z = 3.29: 2,500 ± 143); a wrong split (say 1:2) lands far outside it.
    @Test func weightedDestinationsAreChosenInProportionToTheirWeights() {
        let routing = LinkRouting(destinations: [
            WeightedDestination(url: "https://shop.example/a", weight: 1), WeightedDestination(url: "https://shop.example/b", weight: 3),
        ])
        var picks = [0, 0]
        for _ in 0..<10_000 {
            let choice = routing.choose(
                for: RoutingFacts(userAgent: nil, acceptLanguage: nil, query: []), defaultURL: "https://shop.example/",
                random: { Int.random(in: 0..<$0) })
            picks[choice.destination!] += 1
            #expect(choice.url == ["https://shop.example/a", "https://shop.example/b"][choice.destination!])
        }
        #expect((2_358...2_642).contains(picks[0]), "\(picks)")
        #expect(picks[0] + picks[1] == 10_000)
    }

    @Test func aMatchingRuleWinsOverDestinations() {
        let routing = LinkRouting(
            destinations: [WeightedDestination(url: "https://a.example", weight: 1), WeightedDestination(url: "https://b.example", weight: 1)],
            rules: [LinkRule(device: .desktop, url: "https://desk.example")])
        let choice = routing.choose(for: RoutingFacts(userAgent: Self.desktopFirefox, acceptLanguage: nil, query: []), defaultURL: "https://x.example") { _ in 1 }
        #expect(choice == RouteChoice(url: "https://desk.example", rule: 0, destination: nil))
    }

    @Test func everyBadScheduleOrRoutingFieldIsNamed() {
        do {
            _ = try LinkDraft.validated(
                slug: "deal", name: nil, url: "https://shop.example", active: nil, redirectStatus: nil, forwardQuery: nil, tags: nil,
                schedule: LinkSchedule(
                    startsAt: Date(timeIntervalSince1970: 2_000), expiresAt: Date(timeIntervalSince1970: 1_000), maxClicks: 0,
                    expiredURL: "ftp://x"),
                routing: LinkRouting(
                    destinations: [WeightedDestination(url: "https://a.example", weight: 0)],
                    rules: [LinkRule(language: "german!", query: ["": "x"], url: "javascript:alert(1)")]))
            Issue.record("accepted")
        } catch {
            #expect(Set(error.problems.map(\.field)) == [
                "expires_at", "max_clicks", "expired_url", "destinations", "destinations[0].weight", "rules[0].language", "rules[0].query.",
                "rules[0].url",
            ])
        }
    }

    @Test func theStateFollowsActiveScheduleAndClicksSpent() {
        let now = Date(timeIntervalSince1970: 1_000_000)
        var link = Link(
            id: 1, slug: "deal", name: "deal", url: "https://shop.example", active: true, redirectStatus: 302, forwardQuery: false, tags: [],
            clickCount: 4, createdAt: now, updatedAt: now,
            schedule: LinkSchedule(startsAt: now.addingTimeInterval(-10), expiresAt: now.addingTimeInterval(10), maxClicks: 5))
        #expect(link.state(at: now) == .live)
        #expect(link.state(at: now, clicksUsed: 5) == .exhausted)
        #expect(link.state(at: now.addingTimeInterval(-11)) == .scheduled)
        #expect(link.state(at: now.addingTimeInterval(10)) == .expired)
        link.active = false
        #expect(link.state(at: now) == .inactive)
    }

    @Test func theAllowanceIsExactAndLearnsOtherInstancesCounts() {
        let now = Date()
        let link = Link(
            id: 7, slug: "deal", name: "deal", url: "https://shop.example", active: true, redirectStatus: 302, forwardQuery: false, tags: [],
            clickCount: 2, createdAt: now, updatedAt: now, schedule: LinkSchedule(maxClicks: 4))
        let allowance = ClickAllowance()
        #expect(allowance.take(link) && allowance.take(link))
        #expect(!allowance.take(link), "2 stored + 2 taken = 4")
        allowance.giveBack(link)
        #expect(allowance.spent(link) == 3)
        allowance.observe(storedCounts: [7: 4])
        #expect(!allowance.take(link) && allowance.spent(link) == 4)
        let unlimited = Link(
            id: 8, slug: "free", name: "free", url: "https://shop.example", active: true, redirectStatus: 302, forwardQuery: false, tags: [],
            clickCount: 100, createdAt: now, updatedAt: now)
        #expect(allowance.take(unlimited))
    }
}
