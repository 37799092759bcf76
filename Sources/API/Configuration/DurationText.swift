import Foundation

/// A duration as operators write it: a whole number and a unit, `45s`, `90m`, `12h`, `30d`.
package enum DurationText {
    private static let units: [Character: TimeInterval] = ["s": 1, "m": 60, "h": 3600, "d": 86400]

    package static func seconds(_ text: String) -> TimeInterval? {
        guard let unit = text.last, let factor = units[unit], let count = Int(text.dropLast()), count > 0 else {
            return nil
        }
        return TimeInterval(count) * factor
    }
}
