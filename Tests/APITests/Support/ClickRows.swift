import Foundation
import Storage
import TestSupport

/// The click log as stored, read back for assertions.
struct ClickRow: Equatable {
    var reason: String
    var counted: Bool
    var referer: String?
    var referer_class: String
    var utm_source: String?
    var utm_medium: String?
    var utm_campaign: String?
    var gclid: String?
    var ga_status: String
    var rule: String? = nil
    var destination: String? = nil
}

extension TestDatabase {
    func clickRows() async throws -> [ClickRow] {
        try await rows(
            "SELECT reason, counted, referer, referer_class, utm_source, utm_medium, utm_campaign, gclid, ga_status, rule, destination FROM click ORDER BY id"
        ).map { row in
            func text(_ name: String) -> String? { row[name] ?? nil }
            return ClickRow(
                reason: text("reason") ?? "", counted: text("counted") == "1", referer: text("referer"),
                referer_class: text("referer_class") ?? "", utm_source: text("utm_source"), utm_medium: text("utm_medium"),
                utm_campaign: text("utm_campaign"), gclid: text("gclid"), ga_status: text("ga_status") ?? "", rule: text("rule"),
                destination: text("destination"))
        }
    }

    func clickCount(slug: String) async throws -> Int? {
        try await int("SELECT click_count FROM link WHERE slug = '\(slug)'")
    }

    /// Hits per reason in the quarter-hour aggregates.
    func bucketHits() async throws -> [String: Int] {
        Dictionary(uniqueKeysWithValues: try await rows("SELECT reason, SUM(hits) AS hits FROM click_bucket GROUP BY reason").map {
            (($0["reason"] ?? nil) ?? "", Int(($0["hits"] ?? nil) ?? "") ?? -1)
        })
    }
}
