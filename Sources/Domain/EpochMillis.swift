import Foundation

/// Timestamps are kept and sent with millisecond precision. `Date` is a binary double, so a
/// millisecond such as .919 is held as .91899…: conversions round to the nearest millisecond,
/// which gives every millisecond back exactly; truncating (or a formatter's truncated fraction)
/// would lose one on about half of them.
extension Date {
    public var epochMillis: Int64 {
        Int64((timeIntervalSince1970 * 1000).rounded())
    }

    public init(epochMillis: Int64) {
        self.init(timeIntervalSince1970: Double(epochMillis) / 1000)
    }
}
