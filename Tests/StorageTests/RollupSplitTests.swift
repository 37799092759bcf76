import Domain
import Foundation
@testable import Storage
import Testing

/// The links and pages tables are exact only if a range's pieces, added and subtracted, cover
/// each quarter hour inside it exactly once and every other quarter hour not at all.
@Suite struct RollupSplitTests {
    static let quarter = AggregateBucket.quarterHourMillis

    /// Net coverage per quarter hour of `pieces`, over the window that holds them all.
    static func coverage(_ pieces: [RollupSplit.Piece]) -> [Int64: Int] {
        var net: [Int64: Int] = [:]
        for piece in pieces {
            var at = piece.start
            while at < piece.end {
                net[at, default: 0] += piece.sign
                at += quarter
            }
        }
        return net.filter { $0.value != 0 }
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
    func piecesCoverTheRangeExactlyOnce(_ seed: UInt64) {
        var random = SplitMix64(seed: seed)
        let origin = Int64(1_790_000_000_000) / Self.quarter * Self.quarter
        for _ in 0..<200 {
            let start = origin + Int64.random(in: 0..<(30 * 96), using: &random) * Self.quarter
            let end = start + Int64.random(in: 0..<(40 * 96), using: &random) * Self.quarter
            for levels in [Rollup.allCases, Rollup.pageTables.map(\.rollup)] {
                let split = RollupSplit(from: Date(epochMillis: start), to: Date(epochMillis: end), levels: levels)
                let expected = Dictionary(uniqueKeysWithValues: stride(from: start, to: end, by: Int(Self.quarter)).map { ($0, 1) })
                #expect(Self.coverage(split.pieces) == expected, "\(start)..<\(end)")
                for piece in split.pieces {
                    let size = piece.rollup?.size ?? Self.quarter
                    #expect(piece.start % size == 0 && piece.end % size == 0 && piece.start < piece.end)
                }
            }
        }
    }

    /// The case the subtraction exists for: a day in Berlin is 23:00–23:00 UTC.
    @Test func ninetyBerlinDaysReadWeeksAndDaysNotTwoDaysOfHours() {
        let end = Int64(1_795_993_200_000)  // 2026-11-29T23:00:00Z
        let start = end - 90 * AggregateBucket.dayMillis
        let split = RollupSplit(from: Date(epochMillis: start), to: Date(epochMillis: end))
        let hours = split.pieces.filter { $0.rollup == .hour }.map { ($0.end - $0.start) / AggregateBucket.hourMillis }.reduce(0, +)
        #expect(hours <= 2, "\(split.pieces)")
        #expect(split.pieces.contains { $0.rollup == .week })
        #expect(!split.pieces.contains { $0.rollup == nil })
    }
}
