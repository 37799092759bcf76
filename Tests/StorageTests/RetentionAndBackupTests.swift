import Domain
import Foundation
import GRDB
import Logging
import ServiceLifecycle
import Storage
import Testing

@Suite struct RetentionAndBackupTests {
    static let end = Date(timeIntervalSince1970: 1_795_000_000)

    /// Everything the stats API reads, for one range.
    static func statsSnapshot(_ database: AppDatabase, from: Date, to: Date) async throws -> String {
        let stats = SQLiteStatsRepository(database: database)
        let totals = try await stats.linkTotals(from: from, to: to).map { "\($0.slug):\($0.counted)/\($0.hits)" }
        let pages = try await stats.pageTotals(from: from, to: to).sorted { $0.path < $1.path }.map { "\($0.path):\($0.views)/\($0.clicks)" }
        var perLink: [String] = []
        for linkID in Int64(1)...3 {
            let hits = try await stats.quarterHourHits(linkID: linkID, from: from, to: to).map { "\($0.start.epochMillis)\($0.reason)\($0.refererClass)\($0.hits)" }
            let referers = try await stats.topReferers(linkID: linkID, from: from, to: to, limit: 10).map { "\($0.path)=\($0.counted)" }
            let sources = try await stats.topSources(linkID: linkID, from: from, to: to, limit: 10).map { "\($0.utmSource)=\($0.counted)" }
            perLink.append("\(hits)|\(referers)|\(sources)")
        }
        let counters = try await database.writer.read { db in try Int.fetchAll(db, sql: "SELECT click_count FROM link ORDER BY id") }
        return "\(totals)\n\(pages)\n\(perLink)\n\(counters)"
    }

    @Test func retentionDeletesOldRowsInBatchesAndLeavesEveryStatExact() async throws {
        let database = try AppDatabase.inMemory()
        let plan = DemoPlan(links: 5, clicks: 4_000, days: 20, seed: 11, end: Self.end)
        _ = try await DemoDataLoader(database: database).load(plan)
        let cutoff = plan.end.addingTimeInterval(-7 * 86_400)
        try await database.writer.write { db in
            // Settled GA events old and new, and an old one still queued (never purged: it is undelivered).
            for (state, settledAt) in [("sent", cutoff.epochMillis - 1), ("dead", cutoff.epochMillis - 1), ("sent", cutoff.epochMillis + 1), ("queued", nil)] {
                try db.execute(
                    sql: """
                        INSERT INTO ga_outbox (click_id, event, payload, occurred_at, created_at, state, next_attempt_at, settled_at)
                        VALUES (NULL, 'affiliate_click', x'7b7d', 0, 0, ?, 0, ?)
                        """, arguments: [state, settledAt])
            }
        }
        let old = try await database.writer.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM click WHERE occurred_at < ?", arguments: [cutoff.epochMillis]) ?? 0
        }
        #expect(old > 2_000)
        let before = try await Self.statsSnapshot(database, from: plan.firstHour, to: plan.end)

        let retention = ClickRetention(database: database, retentionDays: 7, batchSize: 100)
        let purged = try await retention.purge(now: plan.end)

        #expect(purged.clicks == old && purged.outboxEvents == 2)
        let (oldest, remaining, states) = try await database.writer.read { db in
            (
                try Int64.fetchOne(db, sql: "SELECT MIN(occurred_at) FROM click") ?? 0,
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM click") ?? 0,
                try String.fetchAll(db, sql: "SELECT state FROM ga_outbox ORDER BY id")
            )
        }
        #expect(oldest >= cutoff.epochMillis && remaining == 4_000 - old)
        #expect(states == ["sent", "queued"])
        #expect(try await Self.statsSnapshot(database, from: plan.firstHour, to: plan.end) == before)
        // A second round finds nothing more.
        #expect(try await retention.purge(now: plan.end) == (0, 0))
    }

    @Test func theRetentionServicePurgesAtStartAndStopsOnShutdown() async throws {
        let database = try AppDatabase.inMemory()
        let plan = DemoPlan(links: 2, clicks: 500, days: 3, seed: 2, end: Date())
        _ = try await DemoDataLoader(database: database).load(plan)
        let group = ServiceGroup(
            services: [ClickRetention(database: database, retentionDays: 1, interval: .seconds(3_600))], logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let deadline = ContinuousClock.now + .seconds(10)
            while ContinuousClock.now < deadline {
                let older = try await database.writer.read { db in
                    try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM click WHERE occurred_at < ?", arguments: [Date().addingTimeInterval(-86_400).epochMillis]) ?? 0
                }
                if older == 0 { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        let left = try await database.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM click") ?? 0 }
        #expect(left > 0 && left < 500)
    }

    @Test func aBackupWhileClicksArriveIsOneConsistentSnapshot() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("clicktrail-backup-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("live.sqlite").path
        let copyPath = folder.appendingPathComponent("copy.sqlite").path
        let database = try AppDatabase.open(path: path)
        let link = try await SQLiteLinkRepository(database: database).create(
            try LinkDraft.validated(slug: "live", name: nil, url: "https://shop.example/", active: nil, redirectStatus: nil, forwardQuery: nil, tags: nil))
        let writer = ClickWriter(store: SQLiteClickStore(database: database), capacity: 256)
        let group = ServiceGroup(services: [writer], logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let producer = Task {
                var index = 0
                while !Task.isCancelled, index < 200_000 {
                    let reason: HitReason = index % 3 == 0 ? .bot : .ok
                    await writer.record(ClickRecord(
                        linkID: link.id, linkSlug: "live", occurredAt: Date(timeIntervalSince1970: 1_795_000_000 + Double(index)),
                        verdict: HitVerdict(reason: reason, refererClass: .internal, referer: "https://site.example/p", leadSource: LeadSource())))
                    index += 1
                    if index % 500 == 0 { try await Task.sleep(for: .milliseconds(1)) }
                }
            }
            // Let clicks pile up, then copy while they keep arriving.
            let piled = ContinuousClock.now + .seconds(10)
            while ContinuousClock.now < piled,
                try await database.writer.read({ db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM click") ?? 0 }) < 2_000
            {
                try await Task.sleep(for: .milliseconds(10))
            }
            let size = try AppDatabase.backup(from: path, to: copyPath)
            #expect(size > 0)
            // Writes go on after the snapshot (how soon depends on the machine's load).
            let copied = try await DatabaseQueue(path: copyPath).read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM click") ?? 0 }
            let deadline = ContinuousClock.now + .seconds(10)
            while ContinuousClock.now < deadline,
                try await database.writer.read({ db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM click") ?? 0 }) <= copied
            {
                try await Task.sleep(for: .milliseconds(10))
            }
            producer.cancel()
            _ = await producer.result
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        let copy = try DatabaseQueue(path: copyPath)
        let (integrity, rows, counted, counter, bucketHits, dayHits) = try await copy.read { db in
            (
                try String.fetchAll(db, sql: "PRAGMA integrity_check"),
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM click") ?? -1,
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM click WHERE counted") ?? -1,
                try Int.fetchOne(db, sql: "SELECT click_count FROM link") ?? -1,
                try Int.fetchOne(db, sql: "SELECT SUM(hits) FROM click_bucket") ?? -1,
                try Int.fetchOne(db, sql: "SELECT SUM(hits) FROM click_day") ?? -1
            )
        }
        #expect(integrity == ["ok"])
        // Rows, counters and aggregates of one snapshot agree; a torn copy would not.
        #expect(rows > 0 && bucketHits == rows && dayHits == rows && counter == counted)
        let live = try await database.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM click") ?? 0 }
        #expect(live > rows, "clicks kept arriving after the snapshot")
        #expect(throws: BackupError.self) { try AppDatabase.backup(from: path, to: copyPath) }
        #expect(throws: BackupError.self) { try AppDatabase.backup(from: path + ".missing", to: copyPath + ".2") }
    }
}
