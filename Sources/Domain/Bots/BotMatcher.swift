import Foundation

/// Tells bots from people by their user agent, compiled once from public lists and signatures.
///
/// Matching scans the lower-cased user agent once with a keyword automaton holding every
/// signature and a literal each regular expression requires; only expressions whose literal was
/// seen (and a handful that have none) are then run. Three sources, in the README's terms ("The redirect"):
/// - signatures: plain case-insensitive substrings (Clicktrail's own file and the operator's);
///   any one is enough.
/// - `anywhere` expressions (isbot's patterns): tuned against real browser user agents, so they
///   apply to every user agent.
/// - `outsideBrowsers` expressions (crawler-user-agents): a long list of product names. A name
///   matches only as a whole product token, and not inside a complete browser user agent, where
///   an appended token is an in-app browser or desktop app far more often than a bot.
public struct BotMatcher: Sendable {
    public enum Scope: Sendable {
        case anywhere
        case outsideBrowsers
    }

    public struct Expression: Sendable {
        public var pattern: String
        public var scope: Scope

        public init(pattern: String, scope: Scope) {
            self.pattern = pattern
            self.scope = scope
        }
    }

    /// A pattern that does not compile, with where it came from.
    public struct InvalidPattern: Error, Sendable, CustomStringConvertible {
        public var pattern: String
        public var reason: String
        public var description: String { "bot pattern \(pattern) does not compile: \(reason)" }
    }

    private struct Rule: Sendable {
        var regex: NSRegularExpression?
        var scope: Scope
        /// Product names must not match inside a longer word ("Fetch/" in "MozacFetch/").
        var needsTokenStart: Bool
    }

    private let automaton: ByteAutomaton
    /// Keyword ids below this are signatures; the rest are rule indexes offset by it.
    private let signatureCount: Int
    private let rules: [Rule]
    /// Expressions without a usable literal, joined into one so they cost one evaluation.
    private let literalFree: NSRegularExpression?
    /// Verdicts of recent user agents. Visitors share a few thousand user agent strings, and
    /// running the candidate expressions is most of a redirect's own work.
    private let recent = VerdictCache(capacity: 16_384)

    public init(signatures: [String], expressions: [Expression]) throws(InvalidPattern) {
        var keywords: [(bytes: [UInt8], id: Int)] = []
        let cleanSignatures = signatures.map { Self.lowercasedASCII(Array($0.utf8)) }.filter { !$0.isEmpty }
        for (index, signature) in cleanSignatures.enumerated() {
            keywords.append((signature, index))
        }
        var rules: [Rule] = []
        var literalFreePatterns: [String] = []
        for expression in expressions {
            let regex = try Self.compile(expression.pattern)
            guard let literals = RequiredLiteral.literals(of: expression.pattern) else {
                literalFreePatterns.append("(?:\(expression.pattern))")
                continue
            }
            let id = cleanSignatures.count + rules.count
            for literal in literals {
                keywords.append((Self.lowercasedASCII(Array(literal.utf8)), id))
            }
            let first = expression.pattern.unicodeScalars.first
            rules.append(Rule(
                regex: regex, scope: expression.scope,
                needsTokenStart: expression.scope == .outsideBrowsers && first.map(Self.isAlphanumeric) == true))
        }
        automaton = ByteAutomaton(keywords: keywords)
        signatureCount = cleanSignatures.count
        self.rules = rules
        literalFree = literalFreePatterns.isEmpty ? nil : try Self.compile(literalFreePatterns.joined(separator: "|"))
    }

    /// Whether `userAgent` belongs to a bot. An empty or blank user agent does (README, "The redirect").
    public func isBot(_ userAgent: String) -> Bool {
        let key = VerdictCache.key(userAgent)
        if let known = recent.verdict(forKey: key) { return known }
        let verdict = evaluate(userAgent)
        recent.remember(verdict, forKey: key)
        return verdict
    }

    private func evaluate(_ userAgent: String) -> Bool {
        var original = Array(userAgent.utf8)
        var bytes = Self.lowercasedASCII(original)
        guard bytes.contains(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }) else { return true }
        let browserShaped = BrowserShape.isCompleteBrowser(bytes)
        var text = userAgent
        if browserShaped, let model = BrowserShape.androidModel(in: bytes) {
            // A phone's model name is the maker's choice, not the visitor's: no rule reads it.
            bytes.replaceSubrange(model, with: repeatElement(UInt8(ascii: " "), count: model.count))
            original.replaceSubrange(model, with: repeatElement(UInt8(ascii: " "), count: model.count))
            text = String(decoding: original, as: UTF8.self)
        }

        var signatureFound = false
        var candidates: [Int] = []
        automaton.scan(bytes) { id in
            if id < signatureCount {
                signatureFound = true
                return false
            }
            let rule = id - signatureCount
            if !candidates.contains(rule) { candidates.append(rule) }
            return true
        }
        if signatureFound { return true }
        // The lists' expressions are tuned on browsers and on servers' clients; an app on a phone
        // or a TV speaks neither's format, and only the signatures' explicit words judge it.
        if BrowserShape.isAppOnADevice(bytes, completeBrowser: browserShaped) { return false }

        for index in candidates {
            let rule = rules[index]
            if rule.scope == .outsideBrowsers, browserShaped { continue }
            if matches(rule, text) { return true }
        }
        if let literalFree, Self.firstMatch(literalFree, in: text) != nil { return true }
        return false
    }

    private func matches(_ rule: Rule, _ userAgent: String) -> Bool {
        guard let regex = rule.regex else { return false }
        let text = userAgent as NSString
        let all = NSRange(location: 0, length: text.length)
        guard rule.needsTokenStart else { return regex.firstMatch(in: userAgent, range: all) != nil }
        var found = false
        regex.enumerateMatches(in: userAgent, range: all) { match, _, stop in
            guard let match else { return }
            let start = match.range.location
            if start == 0 || !Self.isAlphanumeric(text.character(at: start - 1)) {
                found = true
                stop.pointee = true
            }
        }
        return found
    }

    private static func firstMatch(_ regex: NSRegularExpression, in text: String) -> NSTextCheckingResult? {
        regex.firstMatch(in: text, range: NSRange(location: 0, length: (text as NSString).length))
    }

    private static func compile(_ pattern: String) throws(InvalidPattern) -> NSRegularExpression {
        do {
            return try NSRegularExpression(pattern: pattern, options: [.caseInsensitive])
        } catch {
            throw InvalidPattern(pattern: pattern, reason: "\(error)")
        }
    }

    private static func lowercasedASCII(_ bytes: [UInt8]) -> [UInt8] {
        bytes.map { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) ? $0 | 0x20 : $0 }
    }

    private static func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
    }

    private static func isAlphanumeric(_ unit: unichar) -> Bool {
        Unicode.Scalar(unit).map(isAlphanumeric) ?? false
    }
}
