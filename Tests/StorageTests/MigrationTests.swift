@testable import Storage
import Domain
import Foundation
import GRDB
import TestSupport
import Testing

/// A database that logged clicks before the stats aggregates existed gets, from migration v5's
/// back-fill, exactly the aggregates the click writer keeps for clicks stored today.
@Suite struct MigrationTests {
    @Test func theAggregatesBackFilledFromOldClicksEqualThoseKeptLive() async throws {
        let live = try AppDatabase.inMemory()
        let link = try await SQLiteLinkRepository(database: live).create(try draft("deal"))
        var clicks: [ClickRecord] = []
        let referers = ["https://site.example/blog/post", "https://site.example", "https://site.example/", "http://a.example:8080/x/y"]
        for index in 0..<400 {
            var lead = LeadSource()
            if index % 3 == 0 { lead.utmSource = ["news", "ads"][index % 2] }
            if index % 6 == 0 { lead.utmMedium = "email" }
            if index % 9 == 0 { lead.utmCampaign = "spring" }
            let reason: HitReason = [.ok, .ok, .bot, .noReferer, .ok][index % 5]
            clicks.append(ClickRecord(
                linkID: link.id, linkSlug: "deal", occurredAt: Date(epochMillis: 1_800_000_000_000 + Int64(index) * 437_113),
                verdict: HitVerdict(
                    reason: reason, refererClass: reason == .noReferer ? .none : .internal,
                    referer: reason == .noReferer ? nil : referers[index % referers.count], leadSource: lead)))
        }
        let recorded = clicks
        _ = try await live.writer.write { db in try SQLiteClickStore.insert(recorded, db) }

        let old = try DatabaseQueue(configuration: AppDatabase.configuration())
        try AppMigrations.migrator.migrate(old, upTo: "v4-ga-outbox")
        var copied: [(table: String, rows: [Row])] = []
        for table in ["link", "click", "click_bucket"] {
            copied.append((table, try await live.writer.read { db in try Row.fetchAll(db, sql: "SELECT * FROM \(table)") }))
        }
        try old.inDatabase { db in
            for (table, rows) in copied {
                // Columns added by later migrations are not in the old schema yet.
                let known = Set(try db.columns(in: table).map(\.name))
                for row in rows {
                    let values = zip(row.columnNames, row.databaseValues).filter { known.contains($0.0) }
                    let columns = values.map(\.0)
                    try db.execute(
                        sql: "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))",
                        arguments: StatementArguments(values.map(\.1)))
                }
            }
        }
        try AppMigrations.migrator.migrate(old)

        for table in ["click_day", "click_referer_bucket", "click_source_bucket"] {
            let query = "SELECT * FROM \(table)"
            let expected = try await live.writer.read { db in try Row.fetchAll(db, sql: query).map(\.description).sorted() }
            let backFilled = try old.inDatabase { db in try Row.fetchAll(db, sql: query).map(\.description).sorted() }
            #expect(!expected.isEmpty)
            #expect(backFilled == expected, "\(table)")
        }
    }
}
