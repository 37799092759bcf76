import Domain
import Foundation

/// RFC 3339 in UTC with milliseconds: `2026-11-22T10:15:30.123Z`.
package enum Timestamp {
    private static let style = Date.ISO8601FormatStyle(timeZone: .gmt)

    /// The formatter's own fraction truncates the binary double (.919 would print as .918), so the
    /// whole seconds are formatted and the stored millisecond is appended.
    package static func format(_ date: Date) -> String {
        let millis = date.epochMillis
        let seconds = millis >= 0 ? millis / 1000 : (millis - 999) / 1000
        let fraction = Int(millis - seconds * 1000)
        let whole = Date(timeIntervalSince1970: Double(seconds)).formatted(style)
        let digits = String(fraction + 1000).dropFirst()
        return whole.dropLast() + "." + digits + "Z"
    }
}

/// Reads RFC 3339 timestamps as clients send them: `Z` or an offset, fractional seconds optional.
/// The fraction is read as decimal digits (to the millisecond, further digits dropped): the
/// system parser turns it into a binary fraction first and can land a millisecond or two early.
package enum RFC3339 {
    package static func date(_ text: String) -> Date? {
        let parser = ISO8601DateFormatter()
        parser.formatOptions = [.withInternetDateTime]
        guard let dot = text.firstIndex(of: "."), text[..<dot].contains("T") || text[..<dot].contains("t") else {
            return parser.date(from: text)
        }
        let fractionStart = text.index(after: dot)
        let fractionEnd = text[fractionStart...].firstIndex { !("0"..."9").contains($0) } ?? text.endIndex
        let digits = text[fractionStart..<fractionEnd]
        guard !digits.isEmpty, let whole = parser.date(from: String(text[..<dot] + text[fractionEnd...])),
            let millis = Int64((digits + "00").prefix(3))
        else { return nil }
        return Date(epochMillis: whole.epochMillis + millis)
    }
}
