import Foundation

/// RFC 3339 in UTC with milliseconds: `2026-11-22T10:15:30.123Z`.
enum Timestamp {
    private static let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)

    static func format(_ date: Date) -> String {
        date.formatted(style)
    }
}

/// Reads RFC 3339 timestamps as clients send them: `Z` or an offset, fractional seconds optional.
enum RFC3339 {
    static func date(_ text: String) -> Date? {
        let withFraction = ISO8601DateFormatter()
        withFraction.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = withFraction.date(from: text) { return date }
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        return plain.date(from: text)
    }
}
