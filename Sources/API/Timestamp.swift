import Foundation

/// RFC 3339 in UTC with milliseconds: `2026-11-22T10:15:30.123Z`.
enum Timestamp {
    private static let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)

    static func format(_ date: Date) -> String {
        date.formatted(style)
    }
}
