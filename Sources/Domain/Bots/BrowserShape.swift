/// Recognises a complete browser user agent: `Mozilla/5.0 …` carrying a rendering engine token
/// (`AppleWebKit/<version> (KHTML, like Gecko` or `Gecko/<digits> `). Apps that embed a browser
/// keep this shape and append their own token, which is why such a token alone does not make a bot.
enum BrowserShape {
    /// - Parameter lowercased: the user agent's UTF-8 bytes, ASCII lower-cased.
    static func isCompleteBrowser(_ lowercased: [UInt8]) -> Bool {
        guard lowercased.starts(with: Array("mozilla/5.0 ".utf8)) else { return false }
        return hasWebKitEngine(lowercased) || hasGeckoEngine(lowercased)
    }

    /// Where the device model of an Android browser stands: the part of its platform parenthesis
    /// before the build id (`…; Android 7.0; Spider Build/NRD90M)`). Makers name phones freely
    /// (Robot, Spider, Hotbot), so bot words there say nothing about the visitor. Without a build
    /// id the slot is not a phone's model for sure (a monitoring agent may write its name there).
    static func androidModel(in lowercased: [UInt8]) -> Range<Int>? {
        let start = "mozilla/5.0 (".utf8.count
        guard lowercased.count > start, let close = lowercased[start...].firstIndex(of: UInt8(ascii: ")")) else { return nil }
        let platform = lowercased[start..<close]
        var segmentStart = start
        var androidSeen = false
        for index in start...close where index == close || lowercased[index] == UInt8(ascii: ";") {
            let segment = platform[segmentStart..<index]
            if segment.drop(while: { $0 == UInt8(ascii: " ") }).starts(with: "android".utf8) {
                androidSeen = true
            } else if androidSeen, let build = occurrences(of: Array(" build/".utf8), in: Array(segment)).first {
                return segmentStart..<(segmentStart + build - " build/".utf8.count)
            }
            segmentStart = index + 1
        }
        return nil
    }

    /// A native app on a phone or a TV, in its own format rather than a browser's: it names the
    /// hardware (`iPhone14,2`, Facebook's `FBDV/`), calls itself an iOS or Android app, or is a
    /// complete browser on a TV platform. Crawlers do not describe themselves this way.
    static func isAppOnADevice(_ lowercased: [UInt8], completeBrowser: Bool) -> Bool {
        if contains("fban/", in: lowercased), contains("fbav/", in: lowercased) { return true }
        for model in ["iphone", "ipad", "ipod"] {
            for end in occurrences(of: Array(model.utf8), in: lowercased) where hasHardwareNumber(lowercased, from: end) { return true }
        }
        for platform in ["; ios ", "; android "] {
            for end in occurrences(of: Array(platform.utf8), in: lowercased) {
                let rest = lowercased[end...].prefix { $0 != UInt8(ascii: ")") && $0 != UInt8(ascii: ";") }
                if rest.elementsEqual("app".utf8) || rest.reversed().starts(with: "ppa ".utf8) { return true }
            }
        }
        guard completeBrowser, let close = lowercased.firstIndex(of: UInt8(ascii: ")")) else { return false }
        let platform = Array(lowercased[..<close])
        return ["smarttv", "smart-tv", "web0s", "hbbtv"].contains { contains($0, in: platform) }
    }

    /// `14,2` after `iphone`: Apple's hardware identifiers, which only apps on the device send.
    private static func hasHardwareNumber(_ text: [UInt8], from index: Int) -> Bool {
        let digits = text[index...].prefix { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
        let comma = index + digits.count
        guard !digits.isEmpty, comma + 1 < text.count, text[comma] == UInt8(ascii: ",") else { return false }
        return (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(text[comma + 1])
    }

    private static func contains(_ needle: String, in text: [UInt8]) -> Bool {
        !occurrences(of: Array(needle.utf8), in: text).isEmpty
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
