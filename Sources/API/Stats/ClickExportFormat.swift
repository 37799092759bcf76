import Foundation
import Hummingbird

/// The export's two media types, chosen by the `Accept` header (RFC 9110 §12.5.1): the most
/// specific matching range decides a type's weight, the higher weight wins, NDJSON on a tie
/// and when the client states no preference.
enum ClickExportFormat: CaseIterable, Sendable {
    case ndjson
    case csv

    var mediaType: String {
        switch self {
        case .ndjson: "application/x-ndjson"
        case .csv: "text/csv"
        }
    }

    var contentType: String {
        switch self {
        case .ndjson: "application/x-ndjson"
        case .csv: "text/csv; charset=utf-8; header=present"
        }
    }

    static func negotiate(_ accept: String?) throws(Problem) -> ClickExportFormat {
        guard let accept, !accept.allSatisfy({ $0 == " " || $0 == "\t" }) else { return .ndjson }
        let ranges = accept.split(separator: ",").compactMap(MediaRange.init)
        var best: (format: ClickExportFormat, weight: Double)?
        for format in allCases {
            let matching = ranges.compactMap { range in range.specificity(for: format.mediaType).map { (range, $0) } }
            guard let (range, _) = matching.max(by: { $0.1 < $1.1 }), range.weight > 0 else { continue }
            if best.map({ range.weight > $0.weight }) ?? true { best = (format, range.weight) }
        }
        guard let best else {
            throw Problem(
                status: .notAcceptable,
                detail: "this is available as application/x-ndjson or text/csv; Accept was '\(accept)'",
                type: Problem.typePrefix + "not-acceptable", title: "Not acceptable")
        }
        return best.format
    }

    private struct MediaRange {
        var type: Substring
        var subtype: Substring
        var weight: Double

        init?(_ text: Substring) {
            let parameters = text.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased()[...] }
            let name = parameters.first?.split(separator: "/", omittingEmptySubsequences: false) ?? []
            guard name.count == 2, !name[0].isEmpty, !name[1].isEmpty else { return nil }
            type = name[0]
            subtype = name[1]
            weight = 1
            for parameter in parameters.dropFirst() where parameter.hasPrefix("q=") {
                // An unreadable weight makes the range worthless rather than preferred.
                weight = Double(parameter.dropFirst(2)).flatMap { (0...1).contains($0) ? $0 : nil } ?? 0
            }
        }

        /// How exactly this range names `mediaType`: 2 exact, 1 `type/*`, 0 `*/*`; nil if it does not.
        func specificity(for mediaType: String) -> Int? {
            let name = mediaType.split(separator: "/")
            if type == "*" && subtype == "*" { return 0 }
            guard type == name[0] else { return nil }
            if subtype == "*" { return 1 }
            return subtype == name[1] ? 2 : nil
        }
    }
}
