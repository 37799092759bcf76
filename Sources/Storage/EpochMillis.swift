import Foundation

/// Timestamps are stored as integer milliseconds since the epoch: exact, compact and cheap to bucket.
enum EpochMillis {
    static func from(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    }

    static func date(_ millis: Int64) -> Date {
        Date(timeIntervalSince1970: Double(millis) / 1000)
    }
}
