import Foundation
import GRDB
import Storage

/// The click log as stored, read back for assertions.
struct ClickRow: Decodable, FetchableRecord, Equatable {
    var reason: String
    var counted: Bool
    var referer: String?
    var referer_class: String
    var utm_source: String?
    var utm_medium: String?
    var utm_campaign: String?
    var gclid: String?
    var ga_status: String
}

extension AppDatabase {
    func clickRows() async throws -> [ClickRow] {
        try await writer.read { db in
            try ClickRow.fetchAll(db, sql: "SELECT * FROM click ORDER BY id")
        }
    }

    func clickCount(slug: String) async throws -> Int? {
        try await writer.read { db in try Int.fetchOne(db, sql: "SELECT click_count FROM link WHERE slug = ?", arguments: [slug]) }
    }

    /// Hits per reason in the quarter-hour aggregates.
    func bucketHits() async throws -> [String: Int] {
        try await writer.read { db in
            Dictionary(uniqueKeysWithValues: try Row.fetchAll(
                db, sql: "SELECT reason, SUM(hits) AS hits FROM click_bucket GROUP BY reason"
            ).map { ($0["reason"] as String, $0["hits"] as Int) })
        }
    }
}
