import Domain
import Foundation
import GRDB
import Logging
import ServiceLifecycle
import Storage
import TestSupport
import Testing

@Suite struct RetentionAndBackupTests {
    static let end = Date(timeIntervalSince1970: 1_795_000_000)

    /// Everything the stats API reads, for one range.
    static func statsSnapshot(_ database: TestDatabase, from: Date, to: Date) async throws -> String {
        let stats = database.storage.stats
        let totals = try await stats.linkTotals(from: from, to: to).map { "\($0.slug):\($0.counted)/\($0.hits)" }
        let pages = try await stats.pageTotals(from: from, to: to).sorted { $0.path < $1.path }.map { "\($0.path):\($0.views)/\($0.clicks)" }
        var perLink: [String] = []
        for linkID in Int64(1)...3 {
            let hits = try await stats.quarterHourHits(linkID: linkID, from: from, to: to).map { "\($0.start.epochMillis)\($0.reason)\($0.refererClass)\($0.hits)" }
            let referers = try await stats.topReferers(linkID: linkID, from: from, to: to, limit: 10).map { "\($0.path)=\($0.counted)" }
            let sources = try await stats.topSources(linkID: linkID, from: from, to: to, limit: 10).map { "\($0.utmSource)=\($0.counted)" }
            perLink.append("\(hits)|\(referers)|\(sources)")
        }
        let counters = try await database.ints("SELECT click_count FROM link ORDER BY id")
        return "\(totals)\n\(pages)\n\(perLink)\n\(counters)"
    }

    @Test(arguments: TestBackend.allCases)
    func retentionDeletesOldRowsInBatchesAndLeavesEveryStatExact(_ backend: TestBackend) async throws {
        let database = try await TestDatabase.make(backend)
        let plan = DemoPlan(links: 5, clicks: 4_000, days: 20, seed: 11, end: Self.end)
        _ = try await DemoDataLoader(storage: database.storage).load(plan)
        let cutoff = plan.end.addingTimeInterval(-7 * 86_400)
        // Settled GA events old and new, and an old one still queued (never purged: it is undelivered).
        let events = [("sent", "\(cutoff.epochMillis - 1)"), ("dead", "\(cutoff.epochMillis - 1)"), ("sent", "\(cutoff.epochMillis + 1)"), ("queued", "NULL")]
        try await database.execute(
            "INSERT INTO ga_outbox (click_id, event, payload, occurred_at, created_at, state, next_attempt_at, settled_at) VALUES "
                + events.map { "(NULL, 'affiliate_click', '{}', 0, 0, '\($0.0)', 0, \($0.1))" }.joined(separator: ", "))
        let old = try await database.int("SELECT COUNT(*) FROM click WHERE occurred_at < \(cutoff.epochMillis)") ?? 0
        #expect(old > 2_000)
        let before = try await Self.statsSnapshot(database, from: plan.firstHour, to: plan.end)

        let retention = ClickRetention(target: database.retentionTarget, retentionDays: 7, batchSize: 100)
        let purged = try #require(try await retention.purge(now: plan.end))

        #expect(purged.clicks == old && purged.outboxEvents == 2)
        let oldest = try await database.int("SELECT MIN(occurred_at) FROM click") ?? 0
        let remaining = try await database.int("SELECT COUNT(*) FROM click") ?? 0
        #expect(oldest >= cutoff.epochMillis && remaining == 4_000 - old)
        #expect(try await database.strings("SELECT state FROM ga_outbox ORDER BY id") == ["sent", "queued"])
        #expect(try await Self.statsSnapshot(database, from: plan.firstHour, to: plan.end) == before)
        // A second round finds nothing more.
        let again = try #require(try await retention.purge(now: plan.end))
        #expect(again == (0, 0))
    }

    /// Instances sharing a PostgreSQL database purge one at a time: a round that finds another
    /// purging skips, deleting nothing.
    @Test func onASharedDatabaseARoundSkipsWhileAnotherInstancePurges() async throws {
        let database = try await TestDatabase.make(.postgreSQL)
        let plan = DemoPlan(links: 2, clicks: 300, days: 3, seed: 5, end: Date())
        _ = try await DemoDataLoader(storage: database.storage).load(plan)
        let first = ClickRetention(target: database.retentionTarget, retentionDays: 1)
        let second = ClickRetention(target: database.retentionTarget, retentionDays: 1)
        let skipped = try await database.retentionTarget.exclusively { try await second.purge(now: Date()) == nil }
        #expect(skipped == true)
        #expect(try await database.int("SELECT COUNT(*) FROM click") == 300)
        // Once the other is done, a round purges.
        let purged = try #require(try await first.purge(now: Date()))
        #expect(purged.clicks > 0)
    }

    /// The same traffic stored through each backend's click store answers every stats query alike.
    @Test func bothBackendsAnswerEveryStatAlike() async throws {
        let plan = DemoPlan(links: 6, clicks: 5_000, days: 9, seed: 23, end: Self.end)
        var snapshots: [String] = []
        for backend in TestBackend.allCases {
            let database = try await TestDatabase.make(backend)
            _ = try await DemoDataLoader(storage: database.storage).load(plan)
            for zoneOffset in [0.0, 19_800, -12_600] {
                let from = plan.firstHour.addingTimeInterval(zoneOffset + 3 * 900)
                snapshots.append(try await Self.statsSnapshot(database, from: from, to: plan.end.addingTimeInterval(-zoneOffset - 900)))
            }
        }
        #expect(snapshots.count == 6)
        #expect(snapshots[0..<3] == snapshots[3..<6])
        #expect(snapshots[0].count > 500)
    }

    @Test(arguments: TestBackend.allCases)
    func theRetentionServicePurgesAtStartAndStopsOnShutdown(_ backend: TestBackend) async throws {
        let database = try await TestDatabase.make(backend)
        let plan = DemoPlan(links: 2, clicks: 500, days: 3, seed: 2, end: Date())
        _ = try await DemoDataLoader(storage: database.storage).load(plan)
        let group = ServiceGroup(
            services: [ClickRetention(target: database.retentionTarget, retentionDays: 1, interval: .seconds(3_600))], logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let deadline = ContinuousClock.now + .seconds(10)
            while ContinuousClock.now < deadline {
                let older = try await database.int("SELECT COUNT(*) FROM click WHERE occurred_at < \(Date().addingTimeInterval(-86_400).epochMillis)") ?? 0
                if older == 0 { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        let left = try await database.int("SELECT COUNT(*) FROM click") ?? 0
        #expect(left > 0 && left < 500)
    }

    @Test func aBackupWhileClicksArriveIsOneConsistentSnapshot() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("clicktrail-backup-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("live.sqlite").path
        let copyPath = folder.appendingPathComponent("copy.sqlite").path
        let database = try AppDatabase.open(path: path)
        let link = try await SQLiteLinkRepository(database: database).create(
            try draft("live", url: "https://shop.example/"))
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
