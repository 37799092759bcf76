import Foundation

/// A stats range in a time zone: `from` inclusive, `to` exclusive, both widened to whole
/// quarter hours (`AggregateBucket`), the resolution of the aggregates.
public struct StatsRange: Sendable, Equatable {
    /// Longest series answered; a longer one (e.g. hours over a year) is refused, not truncated.
    public static let maxBuckets = 2_000
    public static let defaultLength: TimeInterval = 30 * 86_400

    public let from: Date
    public let to: Date
    public let timeZone: TimeZone

    /// `from` rounded down and `to` rounded up to quarter hours.
    public init(from: Date, to: Date, timeZone: TimeZone) throws(ValidationError) {
        guard from <= to else { throw ValidationError(field: "from", message: "must not be after to") }
        self.from = Self.quarter(from, roundingUp: false)
        self.to = Self.quarter(to, roundingUp: true)
        self.timeZone = timeZone
    }

    private static func quarter(_ date: Date, roundingUp: Bool) -> Date {
        let millis = date.epochMillis
        let start = AggregateBucket.quarterHourStart(of: millis)
        return Date(epochMillis: roundingUp && start != millis ? start + AggregateBucket.quarterHourMillis : start)
    }

    /// The finest interval whose series fits `maxBuckets`, with its bucket starts: what a client
    /// that names no interval gets, so that "all time" works on any range.
    public func finestFittingSeries() throws(ValidationError) -> (interval: StatsInterval, starts: [Date]) {
        for interval in StatsInterval.allCases {
            if let starts = try? bucketStarts(interval) { return (interval, starts) }
        }
        throw ValidationError(field: "from", message: "gives more than \(Self.maxBuckets) months; choose a shorter range")
    }

    /// The bucket starts of a gap-free series, each a calendar boundary of the zone except the
    /// first, which is `from`; ISO weeks start on Monday.
    public func bucketStarts(_ interval: StatsInterval) throws(ValidationError) -> [Date] {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = timeZone
        let component = interval.calendarComponent
        var starts: [Date] = []
        var start = from
        while start < to {
            starts.append(start)
            guard starts.count <= Self.maxBuckets else {
                throw ValidationError(
                    field: "interval", message: "gives more than \(Self.maxBuckets) buckets for this range; choose a longer interval or a shorter range")
            }
            let current = calendar.dateInterval(of: component, for: start)?.start ?? start
            guard let next = calendar.date(byAdding: component, value: 1, to: current), next > start else { break }
            start = next
        }
        return starts
    }
}

/// Series intervals, finest first.
public enum StatsInterval: String, Sendable, CaseIterable {
    case hour
    case day
    case week
    case month

    var calendarComponent: Calendar.Component {
        switch self {
        case .hour: .hour
        case .day: .day
        case .week: .weekOfYear
        case .month: .month
        }
    }
}
