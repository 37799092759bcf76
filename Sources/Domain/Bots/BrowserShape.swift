/// Recognises a complete browser user agent: `Mozilla/5.0 …` carrying a rendering engine token
/// (`AppleWebKit/<version> (KHTML, like Gecko` or `Gecko/<digits> `). Apps that embed a browser
/// keep this shape and append their own token, which is why such a token alone does not make a bot.
enum BrowserShape {
    /// - Parameter lowercased: the user agent's UTF-8 bytes, ASCII lower-cased.
    static func isCompleteBrowser(_ lowercased: [UInt8]) -> Bool {
        guard lowercased.starts(with: Array("mozilla/5.0 ".utf8)) else { return false }
        return hasWebKitEngine(lowercased) || hasGeckoEngine(lowercased)
    }

    private static func hasWebKitEngine(_ text: [UInt8]) -> Bool {
        for start in occurrences(of: Array("applewebkit/".utf8), in: text) {
            var index = start
            while index < text.count, isDigitOrDot(text[index]) { index += 1 }
            let rest = text[index...]
            if rest.starts(with: Array(" (khtml, like gecko".utf8)) || rest.starts(with: Array(" (khtml,like gecko".utf8)) {
                return true
            }
        }
        return false
    }

    private static func hasGeckoEngine(_ text: [UInt8]) -> Bool {
        for start in occurrences(of: Array("gecko/".utf8), in: text) {
            var index = start
            while index < text.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(text[index]) { index += 1 }
            if index > start, index < text.count, text[index] == UInt8(ascii: " ") { return true }
        }
        return false
    }

    /// The indexes just after each occurrence of `needle`.
    private static func occurrences(of needle: [UInt8], in text: [UInt8]) -> [Int] {
        guard text.count >= needle.count else { return [] }
        var result: [Int] = []
        for start in 0...(text.count - needle.count) where text[start..<(start + needle.count)].elementsEqual(needle) {
            result.append(start + needle.count)
        }
        return result
    }

    private static func isDigitOrDot(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: ".") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
