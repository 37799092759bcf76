import Domain
import Foundation

/// Per-link totals kept at sizes coarser than the quarter-hour buckets. The links table sums the
/// coarsest rollup that fits inside its range and only the ends from finer ones, so a long range
/// of many links reads a few rows per link and level instead of every quarter hour, and stays
/// exact to the quarter hour.
enum Rollup: CaseIterable {
    case week, day, hour

    var table: String {
        switch self {
        case .week: "click_week"
        case .day: "click_day"
        case .hour: "click_hour"
        }
    }

    /// Views and clicks per page path and period, all links together: the pages table's rollup.
    var pageTable: String? {
        switch self {
        case .week: nil
        case .day: "page_day"
        case .hour: "page_hour"
        }
    }

    var startColumn: String {
        switch self {
        case .week: "week_start"
        case .day: "day_start"
        case .hour: "hour_start"
        }
    }

    var size: Int64 {
        switch self {
        case .week: AggregateBucket.weekMillis
        case .day: AggregateBucket.dayMillis
        case .hour: AggregateBucket.hourMillis
        }
    }

    /// The levels the pages table is summed from, coarsest first, with their tables.
    static let pageTables = allCases.compactMap { rollup in rollup.pageTable.map { (rollup: rollup, table: $0) } }

    func start(of millis: Int64) -> Int64 {
        AggregateBucket.start(of: millis, size: size)
    }
}

/// A range cut into the pieces its totals are summed from: rollups, coarsest in the middle, and
/// quarter-hour buckets (`rollup` nil) for what no rollup covers whole. An end may instead be a
/// whole rollup period less the part outside the range (`sign` -1), when that reads fewer rows:
/// 23 hours of a day are the day less one hour.
struct RollupSplit {
    struct Piece: Equatable {
        var rollup: Rollup?
        var start: Int64
        var end: Int64
        /// 1 to add the piece's sums, -1 to subtract them.
        var sign: Int = 1
    }

    private(set) var pieces: [Piece]

    /// `levels` coarsest first.
    init(from: Date, to: Date, levels: [Rollup] = Rollup.allCases) {
        pieces = Self.plan(from.epochMillis, to.epochMillis, levels[...])
    }

    /// Rows read per link, roughly: a quarter-hour bucket is split by reason and referer class.
    private static func cost(_ pieces: [Piece]) -> Int64 {
        pieces.reduce(0) { sum, piece in
            sum + (piece.end - piece.start) / (piece.rollup?.size ?? AggregateBucket.quarterHourMillis) * (piece.rollup == nil ? 4 : 1)
        }
    }

    private static func plan(_ start: Int64, _ end: Int64, _ levels: ArraySlice<Rollup>) -> [Piece] {
        guard start < end else { return [] }
        guard let rollup = levels.first else { return [Piece(rollup: nil, start: start, end: end)] }
        let finer = levels.dropFirst()
        let periodOfStart = rollup.start(of: start)
        let firstWhole = periodOfStart == start ? start : periodOfStart + rollup.size
        let lastWholeEnd = rollup.start(of: end)
        guard firstWhole <= lastWholeEnd else {
            // Inside one period: its finer pieces, or the period less what lies outside the range.
            return cheapest(plan(start, end, finer), whole(rollup, periodOfStart, periodOfStart + rollup.size, less: start, end, finer))
        }
        let head = cheapest(plan(start, firstWhole, finer), whole(rollup, firstWhole - rollup.size, firstWhole, less: start, firstWhole, finer))
        let middle = firstWhole < lastWholeEnd ? [Piece(rollup: rollup, start: firstWhole, end: lastWholeEnd)] : []
        let tail = cheapest(plan(lastWholeEnd, end, finer), whole(rollup, lastWholeEnd, lastWholeEnd + rollup.size, less: lastWholeEnd, end, finer))
        return head + middle + tail
    }

    /// The period [periodStart, periodEnd) of `rollup` less its parts outside [start, end).
    private static func whole(
        _ rollup: Rollup, _ periodStart: Int64, _ periodEnd: Int64, less start: Int64, _ end: Int64, _ finer: ArraySlice<Rollup>
    ) -> [Piece]? {
        guard periodStart < start || end < periodEnd, periodStart <= start, end <= periodEnd, start < end else { return nil }
        let outside = plan(periodStart, start, finer) + plan(end, periodEnd, finer)
        return [Piece(rollup: rollup, start: periodStart, end: periodEnd)] + outside.map { Piece(rollup: $0.rollup, start: $0.start, end: $0.end, sign: -$0.sign) }
    }

    private static func cheapest(_ added: [Piece], _ subtracted: [Piece]?) -> [Piece] {
        guard let subtracted, cost(subtracted) < cost(added) else { return added }
        return subtracted
    }
}
