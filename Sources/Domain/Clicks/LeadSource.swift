import Foundation

/// Where a visitor came from: UTM parameters and ad click ids (SPEC §4), never personal data.
public struct LeadSource: Sendable, Equatable, Codable {
    /// The query parameter names captured, in the order of the wire format.
    public static let parameterNames = [
        "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content",
        "gclid", "aclk", "msclkid", "twclid", "fbclid",
    ]
    /// Long enough for any campaign name or click id; a longer value is cut, not refused.
    public static let maxValueLength = 256

    public var utmSource: String?
    public var utmMedium: String?
    public var utmCampaign: String?
    public var utmTerm: String?
    public var utmContent: String?
    public var gclid: String?
    public var aclk: String?
    public var msclkid: String?
    public var twclid: String?
    public var fbclid: String?
    /// The site's own campaign parameters (`CLICKTRAIL_CUSTOM_TAGS`), by parameter name.
    public var custom: [String: String] = [:]

    public init() {}

    /// The lead parameters among `parameters` (already decoded), and those named in `customTags`;
    /// the first value of a name wins.
    public init(parameters: some Sequence<(name: String, value: String)>, customTags: Set<String> = []) {
        for (name, value) in parameters {
            if Self.parameterNames.contains(name) {
                guard self[name] == nil, let cleaned = Self.clean(value) else { continue }
                self[name] = cleaned
            } else if customTags.contains(name) {
                guard custom[name] == nil, let cleaned = Self.clean(value) else { continue }
                custom[name] = cleaned
            }
        }
    }

    /// The lead parameters of a raw (percent-encoded) query string.
    public init(query: Substring, customTags: Set<String> = []) {
        self.init(parameters: Self.decode(query: query), customTags: customTags)
    }

    public var isEmpty: Bool { values.allSatisfy { $0 == nil } && custom.isEmpty }

    /// The values in the order of `parameterNames`.
    public var values: [String?] {
        [utmSource, utmMedium, utmCampaign, utmTerm, utmContent, gclid, aclk, msclkid, twclid, fbclid]
    }

    public subscript(name: String) -> String? {
        get {
            switch name {
            case "utm_source": utmSource
            case "utm_medium": utmMedium
            case "utm_campaign": utmCampaign
            case "utm_term": utmTerm
            case "utm_content": utmContent
            case "gclid": gclid
            case "aclk": aclk
            case "msclkid": msclkid
            case "twclid": twclid
            case "fbclid": fbclid
            default: nil
            }
        }
        set {
            switch name {
            case "utm_source": utmSource = newValue
            case "utm_medium": utmMedium = newValue
            case "utm_campaign": utmCampaign = newValue
            case "utm_term": utmTerm = newValue
            case "utm_content": utmContent = newValue
            case "gclid": gclid = newValue
            case "aclk": aclk = newValue
            case "msclkid": msclkid = newValue
            case "twclid": twclid = newValue
            case "fbclid": fbclid = newValue
            default: break
            }
        }
    }

    /// `application/x-www-form-urlencoded` decoding: `+` is a space, bad escapes keep their text.
    static func decode(query: Substring) -> [(name: String, value: String)] {
        query.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decoded(_ text: Substring) -> String {
                // Most names and values need no decoding; this runs on every redirect.
                guard text.utf8.contains(where: { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "%") }) else { return String(text) }
                let spaced = text.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            return (decoded(parts[0]), parts.count > 1 ? decoded(parts[1]) : "")
        }
    }

    /// Trimmed, without control characters, at most `maxValueLength`; nil when nothing is left.
    public static func clean(_ value: String) -> String? {
        let kept = String(String.UnicodeScalarView(value.unicodeScalars.filter { !TextRules.containsControlCharacter(String($0)) }))
            .trimmingCharacters(in: .whitespaces)
        guard !kept.isEmpty else { return nil }
        return String(String.UnicodeScalarView(kept.unicodeScalars.prefix(maxValueLength)))
    }
}
