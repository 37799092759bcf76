import Domain
import Foundation

/// Timestamps are stored as integer milliseconds since the epoch: exact, compact and cheap to bucket.
enum EpochMillis {
    static func from(_ date: Date) -> Int64 {
        date.epochMillis
    }

    static func date(_ millis: Int64) -> Date {
        Date(epochMillis: millis)
    }
}
