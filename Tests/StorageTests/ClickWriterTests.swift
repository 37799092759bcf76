import Domain
import Foundation
import GRDB
import Logging
import ServiceLifecycle
import Storage
import Synchronization
import TestSupport
import Testing

@Suite struct ClickWriterTests {
    private func click(_ linkID: Int64, _ reason: HitReason, at millis: Double = 1_800_000_000_000) -> ClickRecord {
        ClickRecord(
            linkID: linkID, linkSlug: "writer", occurredAt: Date(timeIntervalSince1970: millis / 1000),
            verdict: HitVerdict(reason: reason, refererClass: reason == .noReferer ? .none : .internal, referer: nil, leadSource: LeadSource()))
    }

    @Test(arguments: TestBackend.allCases)
    func aGracefulShutdownWritesEverythingQueuedWithCountersAndAggregates(_ backend: TestBackend) async throws {
        let database = try await TestDatabase.make(backend)
        let link = try await database.storage.links.create(try draft("writer"))
        let writer = ClickWriter(store: database.storage.clicks, capacity: 64)
        let group = ServiceGroup(services: [writer], logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            for index in 0..<1_000 {
                // 15 minutes apart every 250 clicks: four quarter-hour buckets.
                await writer.record(click(link.id, index % 4 == 0 ? .bot : .ok, at: 1_800_000_000_000 + Double(index / 250) * 900_000))
            }
            // A click for a link deleted meanwhile is skipped, not a failed batch.
            await writer.record(click(9_999, .ok))
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        let rows = try await database.int("SELECT COUNT(*) FROM click")
        let counter = try await database.int("SELECT click_count FROM link WHERE id = \(link.id)")
        let buckets = try await database.rows("SELECT bucket_start, reason, hits FROM click_bucket ORDER BY bucket_start, reason").map {
            "\($0["bucket_start"]! ?? "")/\($0["reason"]! ?? "")/\($0["hits"]! ?? "")"
        }
        #expect(rows == 1_000)
        #expect(counter == 750)
        #expect(buckets.count == 8)
        #expect(buckets.first == "1800000000000/bot/63")
    }

    /// When a sibling service fails (the port is taken), the group cancels the others; an idle
    /// writer must then return, or the process hangs and ignores SIGTERM (seen before this test).
    @Test func anIdleWriterReturnsWhenItsTaskIsCancelled() async throws {
        let database = try await TestDatabase.make(.sqlite)
        let link = try await database.storage.links.create(try draft("idle"))
        let writer = ClickWriter(store: database.storage.clicks)
        let finished = Mutex(false)
        let running = Task {
            try await writer.run()
            finished.withLock { $0 = true }
        }
        // Once its one click is stored, the writer waits for the next: idle.
        _ = await writer.recordConfirmed(click(link.id, .ok))
        running.cancel()
        let deadline = ContinuousClock.now + .seconds(5)
        while !finished.withLock({ $0 }), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        let returned = finished.withLock { $0 }
        #expect(returned)
    }

    /// On PostgreSQL a full batch waiting behind a stuck one starts another batch beside it (the
    /// stuck one holds at most 2,048 clicks, yet the backlog drains below that), and every click
    /// is written once when the database moves again.
    @Test(.timeLimit(.minutes(2))) func aBacklogStartsBatchesBesideAStuckOne() async throws {
        let database = try await TestDatabase.make(.postgreSQL)
        let link = try await database.storage.links.create(try draft("backlog"))
        let store = database.storage.clicks
        try #require(store.concurrentBatches > 1)
        let writer = ClickWriter(store: store)
        // A full batch for each helper and a little more: without helpers, at least all but one
        // batch of these would still be queued.
        let total = store.batchSize * (store.concurrentBatches - 1) + 100
        let group = ServiceGroup(services: [writer], logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let hold = try await database.holdWrites()
            for _ in 0..<total { await writer.record(click(link.id, .ok)) }
            try await eventually { writer.queueDepth < store.batchSize }
            try await hold.end()
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(try await database.int("SELECT COUNT(*) FROM click") == total)
        #expect(try await database.int("SELECT click_count FROM link WHERE id = \(link.id)") == total)
    }

    /// Cancellation ends the writer, but not before what it had queued is stored.
    @Test(arguments: TestBackend.allCases)
    func aCancelledWriterStillStoresWhatItQueued(_ backend: TestBackend) async throws {
        let database = try await TestDatabase.make(backend)
        let link = try await database.storage.links.create(try draft("writer"))
        let writer = ClickWriter(store: database.storage.clicks, logger: Logger(label: "test"))
        for _ in 0..<300 { await writer.record(click(link.id, .ok)) }
        let running = Task { try await writer.run() }
        running.cancel()
        try await running.value
        #expect(try await database.int("SELECT COUNT(*) FROM click") == 300)
    }
}

@Suite struct ClickStoreTests {
    /// One batch mixing clicks with and without a referer, lead parameters, a rule and a
    /// destination: each row keeps exactly its own values, the missing ones as NULL.
    @Test(arguments: TestBackend.allCases)
    func everyColumnOfABatchKeepsItsValueOrNull(_ backend: TestBackend) async throws {
        let database = try await TestDatabase.make(backend)
        let link = try await database.storage.links.create(try draft("columns"))
        var lead = LeadSource(parameters: [(name: "utm_source", value: "news"), (name: "gclid", value: "g-1")], customTags: ["partner"])
        lead.custom = ["partner": "acme"]
        let at = Date(epochMillis: 1_800_000_000_000)
        let plain = ClickRecord(
            linkID: link.id, linkSlug: link.slug, occurredAt: at,
            verdict: HitVerdict(reason: .noReferer, refererClass: .none, referer: nil, leadSource: LeadSource()))
        var ruled = ClickRecord(
            linkID: link.id, linkSlug: link.slug, occurredAt: at.addingTimeInterval(1),
            verdict: HitVerdict(reason: .ok, refererClass: .internal, referer: "https://example.com/shoes", leadSource: lead))
        ruled.rule = 2
        var split = plain
        split.destination = 0
        _ = try await database.storage.clicks.store([plain, ruled, split])
        let rows = try await database.rows(
            "SELECT referer, counted, reason, utm_source, utm_medium, gclid, custom, rule, destination FROM click ORDER BY id")
        let expected: [[String: String?]] = [
            ["referer": nil, "counted": "0", "reason": "no_referer", "utm_source": nil, "utm_medium": nil, "gclid": nil, "custom": nil, "rule": nil, "destination": nil],
            [
                "referer": "https://example.com/shoes", "counted": "1", "reason": "ok", "utm_source": "news", "utm_medium": nil, "gclid": "g-1",
                "custom": #"{"partner":"acme"}"#, "rule": "2", "destination": nil,
            ],
            ["referer": nil, "counted": "0", "reason": "no_referer", "utm_source": nil, "utm_medium": nil, "gclid": nil, "custom": nil, "rule": nil, "destination": "0"],
        ]
        #expect(rows == expected)
    }
}

@Suite struct ConfirmedClickTests {
    @Test(arguments: TestBackend.allCases)
    func aConfirmedClickAnswersItsIdAndStoresItsCustomTags(_ backend: TestBackend) async throws {
        let database = try await TestDatabase.make(backend)
        let link = try await database.storage.links.create(try draft("confirm"))
        let writer = ClickWriter(store: database.storage.clicks)
        let group = ServiceGroup(services: [writer], logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var lead = LeadSource(parameters: [(name: "utm_source", value: "news")], customTags: ["partner"])
            lead.custom = ["partner": "acme"]
            let verdict = HitVerdict(reason: .ok, refererClass: .internal, referer: "https://example.com/", leadSource: lead)
            let click = ClickRecord(linkID: link.id, linkSlug: "confirm", occurredAt: Date(), verdict: verdict)
            let first = await writer.recordConfirmed(click)
            let second = await writer.recordConfirmed(click)
            #expect(first == .stored(id: 1, gaStatus: .notApplicable))
            #expect(second == .stored(id: 2, gaStatus: .notApplicable))
            // A link that is gone: nothing stored, and the caller is told.
            #expect(await writer.recordConfirmed(ClickRecord(linkID: 4_242, linkSlug: "gone", occurredAt: Date(), verdict: verdict)) == .linkMissing)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(try await database.strings("SELECT custom FROM click ORDER BY id") == [#"{"partner":"acme"}"#, #"{"partner":"acme"}"#])
        #expect(try await database.int("SELECT COUNT(*) FROM click") == 2)
        #expect(try await database.int("SELECT click_count FROM link") == 2)
    }
}
