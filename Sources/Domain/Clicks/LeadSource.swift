import Foundation

/// The lead parameters captured from URLs, in the order of the wire format: the one list from
/// which column lists, bindings and JSON keys are made.
public enum LeadParameter: String, CaseIterable, Sendable {
    case utmSource = "utm_source"
    case utmMedium = "utm_medium"
    case utmCampaign = "utm_campaign"
    case utmTerm = "utm_term"
    case utmContent = "utm_content"
    case gclid
    case aclk
    case msclkid
    case twclid
    case fbclid
}

/// Where a visitor came from: UTM parameters and ad click ids, never personal data.
public struct LeadSource: Sendable, Equatable {
    /// The query parameter names captured, in the order of the wire format.
    public static let parameterNames = LeadParameter.allCases.map(\.rawValue)
    /// Long enough for any campaign name or click id; a longer value is cut, not refused.
    public static let maxValueLength = 256

    private var values: [LeadParameter: String] = [:]
    /// The site's own campaign parameters (`CLICKTRAIL_CUSTOM_TAGS`), by parameter name.
    public var custom: [String: String] = [:]

    public init() {}

    /// The lead parameters among `parameters` (already decoded), and those named in `customTags`;
    /// the first value of a name wins.
    public init(parameters: some Sequence<(name: String, value: String)>, customTags: Set<String> = []) {
        for (name, value) in parameters {
            if let parameter = LeadParameter(rawValue: name) {
                guard self[parameter] == nil, let cleaned = Self.clean(value) else { continue }
                self[parameter] = cleaned
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

    public var isEmpty: Bool { values.isEmpty && custom.isEmpty }

    public subscript(parameter: LeadParameter) -> String? {
        get { values[parameter] }
        set { values[parameter] = newValue }
    }

    public var utmSource: String? {
        get { self[.utmSource] }
        set { self[.utmSource] = newValue }
    }

    public var utmMedium: String? {
        get { self[.utmMedium] }
        set { self[.utmMedium] = newValue }
    }

    public var utmCampaign: String? {
        get { self[.utmCampaign] }
        set { self[.utmCampaign] = newValue }
    }

    /// `application/x-www-form-urlencoded` decoding: `+` is a space, bad escapes keep their text.
    public static func decode(query: Substring) -> [(name: String, value: String)] {
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
