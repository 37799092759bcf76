import Domain
import Foundation

/// A range cut into whole UTC days (summed from the per-day aggregate) and the partial days at
/// either end (summed from quarter-hour buckets): how the links table stays a small scan.
struct DaySplit {
    var wholeDays: (start: Int64, end: Int64)?
    var edges: [(start: Int64, end: Int64)]

    init(from: Date, to: Date) {
        let start = from.epochMillis
        let end = to.epochMillis
        let firstWholeDay = AggregateBucket.firstDayStart(atOrAfter: start)
        let lastWholeDayEnd = AggregateBucket.dayStart(of: end)
        if firstWholeDay < lastWholeDayEnd {
            wholeDays = (firstWholeDay, lastWholeDayEnd)
            edges = [(start, firstWholeDay), (lastWholeDayEnd, end)].filter { $0.0 < $0.1 }
        } else {
            wholeDays = nil
            edges = start < end ? [(start, end)] : []
        }
    }
}
