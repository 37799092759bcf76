import Domain

/// The counted share of a bucket table's hits, for stats read from buckets that keep each reason
/// apart; the reasons that count come from `HitReason.isCounted`.
enum CountedHitsSQL {
    static let sum: String = {
        let reasons = HitReason.allCases.filter(\.isCounted).map { "'\($0.rawValue)'" }.joined(separator: ", ")
        return "SUM(CASE WHEN reason IN (\(reasons)) THEN hits ELSE 0 END)"
    }()
}
