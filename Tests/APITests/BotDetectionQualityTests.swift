import API
import Domain
import Foundation
import Testing

/// SPEC §5's targets, measured on public data the matcher was not written against: the isbot
/// project's fixtures (shared/data) and crawler-user-agents' own example instances.
@Suite struct BotDetectionQualityTests {
    struct Fixtures: Decodable {
        var browsers: [String]
        var crawlers: [String]
    }

    static func fixtures() throws -> Fixtures {
        // Tests/APITests/<file> → the repository root → ../shared beside it.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let url = root.deletingLastPathComponent().appendingPathComponent("shared/data/isbot-fixtures.json")
        return try JSONDecoder().decode(Fixtures.self, from: Data(contentsOf: url))
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
        #expect(fixtureRecall >= 0.98)
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
}
