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

    func start(of millis: Int64) -> Int64 {
        AggregateBucket.start(of: millis, size: size)
    }
}

/// A range cut into the pieces its totals are summed from: rollups, coarsest in the middle, and
/// quarter-hour buckets (`rollup` nil) for what no rollup covers whole.
struct RollupSplit {
    struct Piece: Equatable {
        var rollup: Rollup?
        var start: Int64
        var end: Int64
    }

    var pieces: [Piece] = []

    init(from: Date, to: Date) {
        cut(from.epochMillis, to.epochMillis, levels: Rollup.allCases[...])
    }

    private mutating func cut(_ start: Int64, _ end: Int64, levels: ArraySlice<Rollup>) {
        guard start < end else { return }
        guard let rollup = levels.first else {
            pieces.append(Piece(rollup: nil, start: start, end: end))
            return
        }
        let firstWhole = rollup.start(of: start) == start ? start : rollup.start(of: start) + rollup.size
        let lastWholeEnd = rollup.start(of: end)
        guard firstWhole < lastWholeEnd else {
            cut(start, end, levels: levels.dropFirst())
            return
        }
        cut(start, firstWhole, levels: levels.dropFirst())
        pieces.append(Piece(rollup: rollup, start: firstWhole, end: lastWholeEnd))
        cut(lastWholeEnd, end, levels: levels.dropFirst())
    }
}
