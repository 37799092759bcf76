import API
import Domain
import Foundation
import Testing

/// The detection targets (README, "Honest clicks"), measured on public data the matcher was not
/// written against: isbot's fixtures (Tests/APITests/Fixtures) and crawler-user-agents' own
/// example instances.
@Suite struct BotDetectionQualityTests {
    struct Fixtures: Decodable {
        var browsers: [String]
        var crawlers: [String]
    }

    static func fixtures() throws -> Fixtures {
        try JSONDecoder().decode(Fixtures.self, from: Data(contentsOf: fixture("isbot-fixtures.json")))
    }

    /// A file of `Tests/APITests/Fixtures` (their sources and licences: NOTICE.md there).
    static func fixture(_ name: String) -> URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)")
    }

    @Test func recognisesAtLeast98PercentOfKnownCrawlers() throws {
        let matcher = try BotLists.matcher()
        let crawlers = try Self.fixtures().crawlers
        let instances = try BotLists.crawlerUserAgents().flatMap { $0.instances ?? [] }
        let fixtureRecall = Double(crawlers.filter(matcher.isBot).count) / Double(crawlers.count)
        let instanceRecall = Double(instances.filter(matcher.isBot).count) / Double(instances.count)
        print("bot recall: isbot crawlers \(crawlers.count): \(fixtureRecall), crawler-user-agents instances \(instances.count): \(instanceRecall)")
        #expect(crawlers.count > 600)
        #expect(instances.count > 2000)
        #expect(fixtureRecall == 1.0, "isbot's own crawlers all recognised")
        #expect(instanceRecall >= 0.98)
    }

    @Test func misjudgesAtMostHalfAPercentOfRealBrowsers() throws {
        let matcher = try BotLists.matcher()
        let browsers = try Self.fixtures().browsers
        let misjudged = browsers.filter(matcher.isBot)
        let rate = Double(misjudged.count) / Double(browsers.count)
        print("bot false positives: \(misjudged.count) of \(browsers.count) = \(rate): \(misjudged)")
        #expect(browsers.count == 555)
        #expect(rate <= 0.005)
    }

    /// Phones whose model names hold bot words, in-app browsers in their own format, TV browsers,
    /// podcast apps and old desktop browsers: people all the same.
    @Test func devicesAndAppsWithOddUserAgentsAreNotBots() throws {
        let matcher = try BotLists.matcher()
        let userAgents = try String(contentsOf: Self.fixture("device-browsers.txt"), encoding: .utf8)
            .split(separator: "\n").map(String.init).filter { !$0.isEmpty }
        #expect(userAgents.count > 40)
        #expect(userAgents.filter(matcher.isBot) == [])
    }
}
