import Domain
import Foundation
import Logging
import ServiceLifecycle
import Storage
import Synchronization
import TestSupport
import Testing

/// What only a database shared by several instances has to get right.
@Suite struct PostgreSQLSharingTests {
    private static let logger = Logger(label: "clicktrail-test")

    private func settings(_ url: String) throws -> DatabaseServerSettings {
        guard case .server(let settings) = try DatabaseLocation.parse(url) else { throw TestDatabaseError("not a server URL") }
        return settings
    }

    @Test func instancesStartingTogetherMigrateOnce() async throws {
        let url = try await TestDatabase.createServerDatabase()
        let settings = try settings(url)
        let databases = try await withThrowingTaskGroup(of: PostgreSQLDatabase.self) { group in
            for _ in 0..<5 {
                group.addTask { try await PostgreSQLDatabase.connect(settings, waitingUpTo: .seconds(10), maximumConnections: 2, logger: Self.logger) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let storage = AppStorage.postgreSQL(databases[0])
        #expect(try await storage.links.list(LinkFilter(), after: nil, limit: 1).items.isEmpty)
        for database in databases { await database.close() }
        let check = try await TestDatabase.make(url: url)
        #expect(try await check.int("SELECT COUNT(*) FROM schema_migration") == PostgreSQLMigrations.all.count)
    }

    /// Each due event goes to one claimer; one that claimed and died (never settled) loses its
    /// lease, and the event is due again for the others.
    @Test func outboxClaimsAreExclusiveUntilTheLeaseRunsOut() async throws {
        let database = try await TestDatabase.make(.postgreSQL)
        try await database.execute(
            "INSERT INTO ga_outbox (click_id, event, payload, occurred_at, created_at, state, next_attempt_at) "
                + "SELECT NULL, 'page_view', '{}', i, 0, 'queued', 0 FROM generate_series(1, 200) AS i")
        let first = PostgreSQLOutboxRepository(database: try #require(database.server))
        let second = PostgreSQLOutboxRepository(database: try #require(database.server))
        let now = Date()
        let claims = try await withThrowingTaskGroup(of: [Int64].self) { group in
            for outbox in [first, second, first, second] {
                group.addTask { try await outbox.due(at: now, limit: 60).map(\.id) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let claimed = claims.flatMap { $0 }
        #expect(claimed.count == 200)
        #expect(Set(claimed).count == 200)
        #expect(try await second.due(at: now, limit: 10).isEmpty)
        let afterLease = now.addingTimeInterval(Double(PostgreSQLOutboxRepository.lease.components.seconds) + 1)
        #expect(try await second.due(at: afterLease, limit: 500).count == 200)
    }

    /// Two instances writing batches for the same links, in opposite orders, at once: no
    /// deadlock, and counters and aggregates add up exactly.
    @Test func concurrentBatchesOnTheSameLinksAddUpExactly() async throws {
        let database = try await TestDatabase.make(.postgreSQL)
        var links: [Link] = []
        for index in 0..<8 { links.append(try await database.storage.links.create(try draft("shared-\(index)"))) }
        let linkList = links
        let stores = [PostgreSQLClickStore(database: try #require(database.server)), PostgreSQLClickStore(database: try #require(database.server))]
        let verdict = HitVerdict(reason: .ok, refererClass: .internal, referer: "https://example.com/a", leadSource: LeadSource())
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, store) in stores.enumerated() {
                group.addTask {
                    for round in 0..<40 {
                        let order = index == 0 ? linkList : linkList.reversed()
                        let clicks = order.flatMap { link in
                            (0..<5).map { minute in
                                ClickRecord(linkID: link.id, linkSlug: link.slug, occurredAt: Date(epochMillis: 1_800_000_000_000 + Int64(round * 5 + minute) * 60_000), verdict: verdict)
                            }
                        }
                        _ = try await store.store(clicks)
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await database.ints("SELECT click_count FROM link ORDER BY id") == Array(repeating: 400, count: 8))
        #expect(try await database.int("SELECT SUM(hits) FROM click_bucket") == 3_200)
        #expect(try await database.int("SELECT SUM(counted) FROM click_referer_bucket") == 3_200)
        #expect(try await database.int("SELECT COUNT(*) FROM click") == 3_200)
    }

    /// `click` has no foreign key on PostgreSQL (the writer checks its links under a share lock):
    /// deleting a link while batches for it are being written leaves none of its clicks behind.
    @Test func aLinkDeletedWhileItsClicksAreWrittenLeavesNoneBehind() async throws {
        let database = try await TestDatabase.make(.postgreSQL)
        let doomed = try await database.storage.links.create(try draft("doomed"))
        let kept = try await database.storage.links.create(try draft("kept"))
        let store = PostgreSQLClickStore(database: try #require(database.server))
        let verdict = HitVerdict(reason: .ok, refererClass: .internal, referer: "https://example.com/a", leadSource: LeadSource())
        let clicks = [doomed, kept].flatMap { link in
            (0..<20).map { _ in ClickRecord(linkID: link.id, linkSlug: link.slug, occurredAt: Date(epochMillis: 1_800_000_000_000), verdict: verdict) }
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<3 {
                group.addTask { for _ in 0..<30 { _ = try await store.store(clicks) } }
            }
            // Deleted once its first clicks are in, while the writers go on.
            while try await database.int("SELECT COUNT(*) FROM click WHERE link_id = \(doomed.id)") == 0 {
                try await Task.sleep(for: .milliseconds(5))
            }
            #expect(try await database.storage.links.delete(slug: doomed.slug))
            try await group.waitForAll()
        }
        #expect(try await database.int("SELECT COUNT(*) FROM click WHERE link_id = \(doomed.id)") == 0)
        #expect(try await database.int("SELECT COUNT(*) FROM click WHERE link_id = \(kept.id)") == 1_800)
        #expect(try await database.int("SELECT click_count FROM link WHERE id = \(kept.id)") == 1_800)
    }

    /// A link write on another instance reaches the feed when it commits (this instance's own
    /// writes are left out: its cache forgot them itself); a feed that (re)subscribes first
    /// reports that anything may have changed.
    @Test func theChangeFeedReportsEveryWriteAfterAFreshStart() async throws {
        let database = try await TestDatabase.make(.postgreSQL)
        let changes = Mutex<[LinkChange]>([])
        let feed = LinkChangeFeed(database: try #require(database.server), logger: Self.logger) { change in
            changes.withLock { $0.append(change) }
        }
        let group = ServiceGroup(services: [feed], logger: Self.logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await eventually { changes.withLock { $0 } == [.everything] }
            _ = try await database.storage.links.create(try draft("own"))
            let links = try await database.reopened().storage.links
            _ = try await links.create(try draft("a"))
            _ = try await links.upsert(try draft("b"))
            _ = try await links.update(slug: "a", to: try draft("c"))
            _ = try await links.delete(slug: "b")
            try await eventually { changes.withLock { $0 }.count == 6 }
            #expect(changes.withLock { $0 } == [.everything, .slug("a"), .slug("b"), .slug("a"), .slug("c"), .slug("b")])
            // Another session kills the feed's connection: it comes back and says so.
            try await database.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN%' AND datname = current_database()")
            try await eventually(within: .seconds(10)) { changes.withLock { $0 }.last == .everything }
            _ = try await links.create(try draft("d"))
            try await eventually { changes.withLock { $0 }.last == .slug("d") }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    @Test func anUnreachableServerIsReportedAfterTheWaitWithoutThePassword() async throws {
        let location = try DatabaseLocation.parse("postgres://app:hunter2secret@127.0.0.1:1/clicktrail?sslmode=disable")
        guard case .server(let settings) = location else { throw TestDatabaseError("not a server URL") }
        let started = ContinuousClock.now
        do {
            _ = try await PostgreSQLDatabase.connect(settings, waitingUpTo: .seconds(1), logger: Self.logger)
            Issue.record("connected to a closed port")
        } catch let error as DatabaseUnavailable {
            #expect(error.description.contains("127.0.0.1:1/clicktrail"))
            #expect(error.description.contains("CLICKTRAIL_DATABASE_WAIT"))
            #expect(!error.description.contains("hunter2"))
        }
        // Gives up after the wait instead of hanging (generous: the whole suite runs in parallel).
        #expect(ContinuousClock.now - started < .seconds(30))
    }
}

@Suite struct DatabaseLocationTests {
    @Test func aFilePathIsSQLite() throws {
        #expect(try DatabaseLocation.parse("/var/lib/clicktrail/data.sqlite") == .file("/var/lib/clicktrail/data.sqlite"))
    }

    @Test func aURLGivesEverySettingAndPrintsWithoutThePassword() throws {
        let location = try DatabaseLocation.parse("postgresql://app:s%40cret@db.internal:6432/clicks?sslmode=verify-full&application_name=edge-1")
        guard case .server(let settings) = location else { Issue.record("not a server"); return }
        #expect(settings.host == "db.internal" && settings.port == 6432 && settings.database == "clicks")
        #expect(settings.username == "app" && settings.password == "s@cret")
        #expect(settings.sslMode == .verifyFull && settings.applicationName == "edge-1")
        #expect(location.description == "postgres://app@db.internal:6432/clicks?sslmode=verify-full")
        #expect(!location.description.contains("cret"))
    }

    @Test func defaultsFollowLibpq() throws {
        guard case .server(let settings) = try DatabaseLocation.parse("postgres://db.internal") else { Issue.record("not a server"); return }
        #expect(settings.port == 5432 && settings.username == "postgres" && settings.database == "postgres")
        #expect(settings.sslMode == .prefer && settings.applicationName == "clicktrail" && settings.password == nil)
    }

    @Test func thePasswordMayComeFromAFileWithoutItsNewline() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("pw-\(UUID().uuidString)")
        try Data("from-file\n".utf8).write(to: file)
        guard case .server(let settings) = try DatabaseLocation.parse("postgres://app@db/clicks", passwordFile: file.path) else {
            Issue.record("not a server")
            return
        }
        #expect(settings.password == "from-file")
    }

    @Test(arguments: [
        ("postgres://app:pw@db/clicks?sslmode=maybe", "sslmode must be one of"),
        ("postgres://app:pw@db/clicks?timeout=3", "unknown parameter 'timeout'"),
        ("postgres:///clicks", "not a usable postgres:// URL"),
    ])
    func badURLsAreRefusedWithoutQuotingThePassword(_ url: String, _ message: String) throws {
        #expect {
            try DatabaseLocation.parse(url)
        } throws: { error in
            let text = "\(error)"
            return text.contains(message) && !text.contains(":pw@")
        }
    }

    @Test func aPasswordInTwoPlacesOrAFileForSQLiteIsRefused() throws {
        #expect(throws: DatabaseLocationError.self) { try DatabaseLocation.parse("postgres://app:pw@db/clicks", passwordFile: "/dev/null") }
        #expect(throws: DatabaseLocationError.self) { try DatabaseLocation.parse("./data/clicktrail.sqlite", passwordFile: "/dev/null") }
        #expect(throws: DatabaseLocationError.self) { try DatabaseLocation.parse("postgres://app@db/clicks", passwordFile: "/nonexistent/pw") }
    }
}

@Suite struct PostgreSQLTLSTests {
    /// `sslmode=require` means TLS or nothing: a server without TLS is refused at once, with the
    /// reason, instead of being retried as if it were down.
    @Test func requiringTLSFromAServerWithoutItFailsClearly() async throws {
        let url = try await TestDatabase.createServerDatabase()
        var components = try #require(URLComponents(string: url))
        components.queryItems = [URLQueryItem(name: "sslmode", value: "require")]
        guard case .server(let settings) = try DatabaseLocation.parse(try #require(components.string)) else {
            throw TestDatabaseError("not a server URL")
        }
        let started = ContinuousClock.now
        await #expect {
            _ = try await PostgreSQLDatabase.connect(settings, waitingUpTo: .seconds(20), logger: Logger(label: "clicktrail-test"))
        } throws: { error in
            "\(error)".localizedCaseInsensitiveContains("ssl")
        }
        #expect(ContinuousClock.now - started < .seconds(10))
    }
}
