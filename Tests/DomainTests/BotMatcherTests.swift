@testable import Domain
import Foundation
import Testing

@Suite struct BotMatcherTests {
    static let browser = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"

    @Test func signaturesMatchCaseInsensitivelyAnywhere() throws {
        let matcher = try BotMatcher(signatures: ["crawler", "Python-Requests"], expressions: [])
        #expect(matcher.isBot("SomeCRAWLER/1.0"))
        #expect(matcher.isBot("python-requests/2.31"))
        #expect(!matcher.isBot(Self.browser))
    }

    @Test func expressionsRunOnlyWhenTheirLiteralAppearsAndMustStillMatch() throws {
        let matcher = try BotMatcher(signatures: [], expressions: [.init(pattern: #"^Seekbot/\d"#, scope: .anywhere)])
        #expect(matcher.isBot("Seekbot/1.0"))
        #expect(!matcher.isBot("x Seekbot/1.0"))
        #expect(!matcher.isBot("Seekbot/x"))
    }

    @Test func listNamesCountOnlyAsWholeProductTokens() throws {
        let matcher = try BotMatcher(signatures: [], expressions: [.init(pattern: #"Fetch\/"#, scope: .outsideBrowsers)])
        #expect(matcher.isBot("Fetch/2.0a (CMS Detection)"))
        #expect(matcher.isBot("agent Fetch/2.0"))
        #expect(!matcher.isBot("MozacFetch/49.0"))
    }

    @Test func listNamesDoNotTurnACompleteBrowserIntoABot() throws {
        let matcher = try BotMatcher(signatures: [], expressions: [.init(pattern: "Viber", scope: .outsideBrowsers)])
        #expect(!matcher.isBot(Self.browser + " Viber/20.1"))
        #expect(matcher.isBot("Viber/20.1 CFNetwork/1121 Darwin/19"))
        let everywhere = try BotMatcher(signatures: [], expressions: [.init(pattern: "Viber", scope: .anywhere)])
        #expect(everywhere.isBot(Self.browser + " Viber/20.1"))
    }

    /// U+212A KELVIN SIGN is canonically equivalent to `K`, so the two strings are equal to Swift
    /// while the matcher, reading bytes, judges them apart: the cache must not share their verdicts.
    @Test func aLookAlikeUserAgentDoesNotPoisonTheVerdictOfTheRealOne() throws {
        let matcher = try BotMatcher(signatures: [], expressions: [.init(pattern: "Safari", scope: .outsideBrowsers)])
        let lookAlike = Self.browser.replacingOccurrences(of: "(KHTML", with: "(\u{212A}HTML")
        #expect(lookAlike == Self.browser)
        #expect(matcher.isBot(lookAlike))
        #expect(!matcher.isBot(Self.browser))
    }

    /// The model slot before an Android build id is the maker's; a bot's name after it, or in a
    /// slot without a build id, still counts.
    @Test func anAndroidModelNameBeforeItsBuildIdIsNotReadForBotWords() throws {
        let matcher = try BotMatcher(signatures: ["spider", "catchpoint"], expressions: [.init(pattern: "bot\\b", scope: .anywhere)])
        let engine = "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36"
        #expect(!matcher.isBot("Mozilla/5.0 (Linux; Android 7.0; Spider Build/NRD90M) \(engine)"))
        #expect(!matcher.isBot("Mozilla/5.0 (Linux; U; Android 4.2.2; en-us; ROBOT Build/JDQ39) \(engine)"))
        #expect(matcher.isBot("Mozilla/5.0 (Linux; Android 8.0; Pixel 2 Build/OPD3; Storebot-Google/1.0) \(engine)"))
        #expect(matcher.isBot("Mozilla/5.0 (Linux; U; Android 4.0.2; en-us; Catchpoint) \(engine)"))
        #expect(matcher.isBot("Mozilla/5.0 (Linux; Android 7.0; Spider Build/NRD90M) \(engine) spider"))
    }

    @Test func anAppOnAPhoneOrATVIsJudgedOnlyBySignatures() throws {
        let matcher = try BotMatcher(signatures: ["crawler"], expressions: [.init(pattern: "^[^ ]{50,}$", scope: .anywhere), .init(pattern: "manager", scope: .anywhere)])
        #expect(!matcher.isBot("FBAN/FBIOS;FBAV/420.0.0.32.103;FBBV/522155468;FBDV/iPhone13,2;FBMD/iPhone;FBSN/iOS;FBSV/16.6"))
        #expect(!matcher.isBot("Mozilla/5.0 (Web0S; Linux/SmartTV) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/79.0 Safari/537.36 WebAppManager"))
        #expect(matcher.isBot("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/79.0 Safari/537.36 WebAppManager"))
        #expect(matcher.isBot("FBAN/FBIOS;FBAV/420.0;FBDV/iPhone13,2 crawler"))
        #expect(matcher.isBot("a_server_client_with_a_very_long_user_agent_without_any_spaces/1.0"))
    }

    @Test func expressionsWithoutALiteralAreStillApplied() throws {
        let matcher = try BotMatcher(signatures: [], expressions: [.init(pattern: #"^[^ ]{20,}$"#, scope: .anywhere)])
        #expect(matcher.isBot("aaaaaaaaaaaaaaaaaaaaaaaaa"))
        #expect(!matcher.isBot("short words here"))
    }

    @Test func lookbehindExpressionsCompile() throws {
        let matcher = try BotMatcher(signatures: [], expressions: [.init(pattern: #"(?<! cu)bots?(?:\b|_)"#, scope: .anywhere)])
        #expect(matcher.isBot("Googlebot/2.1"))
        #expect(!matcher.isBot("Mozilla/5.0 (Linux; Android 6.0; CUBOT MAX)"))
        #expect(!matcher.isBot("Banca Caboto"))
    }

    @Test func aBrokenPatternIsReportedAtConstruction() {
        #expect(throws: BotMatcher.InvalidPattern.self) {
            try BotMatcher(signatures: [], expressions: [.init(pattern: "(unclosed", scope: .anywhere)])
        }
    }

    @Test(arguments: [
        (#"Googlebot\/"#, ["googlebot/"]), (#"^Seekbot"#, ["seekbot"]), (#"AdsBot-Google([^-]|$)"#, ["adsbot-google"]),
        (#"(sistrix|SISTRIX) [cC]rawler"#, ["rawler"]), (#"Ahrefs(Bot|SiteAudit)"#, ["ahrefs"]), (#"colou?r"#, ["colo"]),
        (#"a|bc"#, ["a", "bc"]), (#"[wW]get"#, ["get"]), (#"\d+x"#, ["x"]), (#"ab{2,3}c"#, ["a"]),
    ])
    func requiredLiteralsAreTrulyRequired(_ pattern: String, _ expected: [String]) {
        #expect(RequiredLiteral.literals(of: pattern) == expected)
    }

    @Test(arguments: [#"^[^ ]{50,}$"#, #"^\d+\b"#, #"a|\d"#])
    func patternsWithoutAnyLiteralAreRecognised(_ pattern: String) {
        #expect(RequiredLiteral.literals(of: pattern) == nil)
    }

    @Test func theAutomatonFindsOverlappingKeywords() {
        let automaton = ByteAutomaton(keywords: [(Array("he".utf8), 1), (Array("she".utf8), 2), (Array("hers".utf8), 3), (Array("his".utf8), 4)])
        var found: [Int] = []
        automaton.scan(Array("ushers".utf8)) { found.append($0); return true }
        #expect(found.sorted() == [1, 2, 3])
    }
}
