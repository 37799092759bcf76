/// The time buckets the click and page-view aggregates are kept in, as epoch milliseconds (UTC).
/// A quarter hour is the coarsest bucket on which every zone's hours and days begin (offsets such
/// as +05:30, +05:45 and +09:30 included), so any zone's series sums whole buckets; UTC days
/// let long ranges sum far fewer rows.
public enum AggregateBucket {
    public static let quarterHourMillis: Int64 = 15 * 60 * 1000
    public static let hourMillis: Int64 = 60 * 60 * 1000
    public static let dayMillis: Int64 = 24 * 60 * 60 * 1000
    /// Seven UTC days counted from the epoch (so they start on Thursdays): only a coarser sum.
    public static let weekMillis: Int64 = 7 * dayMillis

    /// The start of the quarter hour holding `millis`.
    public static func quarterHourStart(of millis: Int64) -> Int64 {
        floor(millis, to: quarterHourMillis)
    }

    /// The start of the UTC day holding `millis`.
    public static func dayStart(of millis: Int64) -> Int64 {
        floor(millis, to: dayMillis)
    }

    /// The first UTC day that begins at or after `millis`.
    public static func firstDayStart(atOrAfter millis: Int64) -> Int64 {
        let start = dayStart(of: millis)
        return start == millis ? start : start + dayMillis
    }

    /// The start of the `size`-long period holding `millis`, periods counted from the epoch.
    public static func start(of millis: Int64, size: Int64) -> Int64 {
        floor(millis, to: size)
    }

    /// Rounds down, before 1970 too (`%` keeps the sign of the dividend).
    private static func floor(_ millis: Int64, to size: Int64) -> Int64 {
        millis - ((millis % size) + size) % size
    }
}
