import Domain
import Foundation

/// The bot lists shipped in `Resources/bots` (see its NOTICE.md), compiled into one matcher.
package enum BotLists {
    /// The built-in lists plus the operator's extra signatures (`CLICKTRAIL_BOT_SIGNATURES_FILE`).
    package static func matcher(extraSignatures: [String] = []) throws -> BotMatcher {
        let signatures = try signatureLines(of: text(of: "clicktrail-signatures.txt")) + extraSignatures
        var expressions = try isbotPatterns().map { BotMatcher.Expression(pattern: $0, scope: .anywhere) }
        expressions += try crawlerUserAgents().map { BotMatcher.Expression(pattern: $0.pattern, scope: .outsideBrowsers) }
        return try BotMatcher(signatures: signatures, expressions: expressions)
    }

    /// One signature a line; blank lines and `#` comments are skipped, surrounding spaces trimmed.
    package static func signatureLines(of text: String) -> [String] {
        text.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
    }

    /// One entry of crawler-user-agents.json: a pattern and the user agents it was written for.
    package struct CrawlerEntry: Decodable, Sendable {
        package var pattern: String
        package var instances: [String]?
    }

    package static func crawlerUserAgents() throws -> [CrawlerEntry] {
        try JSONDecoder().decode([CrawlerEntry].self, from: data(of: "crawler-user-agents.json"))
    }

    /// isbot's expressions, one a line; leading spaces are part of a pattern, so lines are not trimmed.
    static func isbotPatterns() throws -> [String] {
        try text(of: "isbot-patterns.txt").split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") && !$0.isEmpty }
    }

    private static func text(of name: String) throws -> String {
        String(decoding: try data(of: name), as: UTF8.self)
    }

    private static func data(of name: String) throws -> Data {
        guard let folder = Bundle.module.url(forResource: "bots", withExtension: nil) else {
            throw CocoaError(.fileNoSuchFile)
        }
        return try Data(contentsOf: folder.appendingPathComponent(name))
    }
}
