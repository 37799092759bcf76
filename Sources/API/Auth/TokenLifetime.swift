import Foundation

/// Parses a token lifetime such as `30d` or `90m`.
package enum TokenLifetime {
    private static let units: [Character: TimeInterval] = ["s": 1, "m": 60, "h": 3600, "d": 86400]

    package static func seconds(_ text: String) -> TimeInterval? {
        guard let unit = text.last, let factor = units[unit], let count = Int(text.dropLast()), count > 0 else {
            return nil
        }
        return TimeInterval(count) * factor
    }
}
