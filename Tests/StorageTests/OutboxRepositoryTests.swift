import Domain
import Foundation
import GRDB
import Logging
import ServiceLifecycle
import Storage
import Synchronization
import Testing

@Suite struct OutboxRepositoryTests {
    private static let counted = HitVerdict(reason: .ok, refererClass: .internal, referer: "https://example.com/", leadSource: LeadSource())

    /// Stores `clicks` through a running writer and returns what each became.
    private func store(_ clicks: [ClickRecord], in database: AppDatabase) async throws -> [ClickWriteOutcome] {
        let writer = ClickWriter(store: SQLiteClickStore(database: database))
        let group = ServiceGroup(services: [writer], logger: Logger(label: "test"))
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var outcomes: [ClickWriteOutcome] = []
            for click in clicks {
                outcomes.append(await writer.recordConfirmed(click))
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return outcomes
        }
    }

    @Test func theWriterDecidesWithTheStoredConsentAndQueuesInTheClicksTransaction() async throws {
        let database = try AppDatabase.inMemory()
        let link = try await SQLiteLinkRepository(database: database).create(try draft("ga"))
        _ = try await SQLiteConsentRepository(database: database).set(
            subject: "1.2", changes: ["analytics_storage": .granted], source: "banner", at: Date())
        func click(_ visitor: GAVisitor?, linkID: Int64 = link.id, verdict: HitVerdict = Self.counted) -> ClickRecord {
            ClickRecord(linkID: linkID, linkSlug: "ga", occurredAt: Date(), verdict: verdict, visitor: visitor)
        }
        let outcomes = try await store([
            click(GAVisitor(clientID: "1.2")),  // stored consent grants
            click(GAVisitor(clientID: "3.4")),  // nothing stored: denied
            click(GAVisitor(clientID: "1.2", cookieConsent: .allDenied)),  // the cookie outranks the store
            click(GAVisitor(cookieConsent: .allGranted)),  // no client id
            click(nil),  // forwarding off
            click(GAVisitor(clientID: "1.2"), verdict: HitVerdict(reason: .bot, refererClass: .internal, referer: nil, leadSource: LeadSource())),
            click(GAVisitor(clientID: "1.2"), linkID: 999),  // link gone: neither click nor event
        ], in: database)
        #expect(outcomes.map(\.gaStatus) == [.queued, .noConsent, .noConsent, .noClientID, .notApplicable, .notApplicable, nil])
        let queued = try await SQLiteOutboxRepository(database: database).due(at: Date(), limit: 10)
        #expect(queued.count == 1)
        #expect(queued.first?.clickID == 1)
        #expect(queued.first?.attempts == 0)
    }

    @Test func settlingMovesEventsAndTheirClicksTogether() async throws {
        let database = try AppDatabase.inMemory()
        let link = try await SQLiteLinkRepository(database: database).create(try draft("ga"))
        let now = Date()
        let clicks = (0..<4).map { index in
            ClickRecord(
                linkID: link.id, linkSlug: "ga", occurredAt: now.addingTimeInterval(Double(index)), verdict: Self.counted,
                visitor: GAVisitor(clientID: "1.2", explicitConsent: .allGranted))
        }
        _ = try await store(clicks, in: database)
        let outbox = SQLiteOutboxRepository(database: database)
        let stored = Date()
        let due = try await outbox.due(at: stored, limit: 10)
        try #require(due.map(\.id) == [1, 2, 3, 4])
        #expect(try await outbox.due(at: stored, limit: 2).map(\.id) == [1, 2])
        try await outbox.settle([
            (due[0], .sent), (due[1], .failed(error: "GA answered 400: bad")), (due[2], .dead),
            (due[3], .retry(error: "GA answered 503", at: now.addingTimeInterval(60))),
        ], at: now)
        #expect(try await outbox.due(at: stored, limit: 10).isEmpty)
        let retried = try await outbox.due(at: stored.addingTimeInterval(61), limit: 10)
        #expect(retried.map(\.id) == [4])
        #expect(retried.first?.attempts == 1)
        let counts = try await outbox.counts()
        #expect(counts == OutboxCounts(queued: 1, sent: 1, failed: 1, dead: 1, oldestQueued: counts.oldestQueued))
        #expect(counts.oldestQueued.map { abs($0.timeIntervalSince(now.addingTimeInterval(3))) < 0.01 } == true)
        let statuses = try await database.writer.read { db in try String.fetchAll(db, sql: "SELECT ga_status FROM click ORDER BY id") }
        #expect(statuses == ["sent", "failed", "failed", "queued"])
        let attempts = try await database.writer.read { db in try Int.fetchAll(db, sql: "SELECT attempts FROM ga_outbox ORDER BY id") }
        // A dead letter was never attempted.
        #expect(attempts == [1, 1, 0, 1])
        // Once settled, the visitor's GA identifiers go; the state, times and error stay.
        let payloadSizes = try await database.writer.read { db in try Int.fetchAll(db, sql: "SELECT length(payload) FROM ga_outbox ORDER BY id") }
        #expect(payloadSizes.prefix(3) == [0, 0, 0])
        #expect(payloadSizes[3] > 0)
        let errors = try await database.writer.read { db in try String?.fetchAll(db, sql: "SELECT last_error FROM ga_outbox ORDER BY id") }
        #expect(errors[1] == "GA answered 400: bad")
    }

    /// `/metrics` is unauthenticated and scraped often: its outbox figures must not grow with the
    /// outbox, which keeps settled events for the whole retention period.
    @Test func countsAreKeptNotCountedAndAgreeWithTheRows() async throws {
        let database = try AppDatabase.inMemory()
        try await database.writer.write { db in
            for index in 0..<3_000 {
                let state = ["queued", "sent", "sent", "failed", "dead"][index % 5]
                try db.execute(
                    sql: """
                        INSERT INTO ga_outbox (click_id, event, payload, occurred_at, created_at, state, next_attempt_at)
                        VALUES (NULL, 'page_view', x'7b7d', ?, 0, ?, 0)
                        """,
                    arguments: [1_000 + index, state])
            }
            try db.execute(sql: "UPDATE ga_outbox SET state = 'sent' WHERE id IN (1, 6)")
            try db.execute(sql: "DELETE FROM ga_outbox WHERE state = 'dead' AND id <= 100")
        }
        let statements = Mutex<[String]>([])
        try await database.writer.write { db in db.trace { event in statements.withLock { $0.append("\(event)") } } }
        let counts = try await SQLiteOutboxRepository(database: database).counts()
        try await database.writer.write { db in db.trace(options: [], nil) }

        let expected = try await database.writer.read { db in
            try Dictionary(uniqueKeysWithValues: Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM ga_outbox GROUP BY state").map {
                ($0["state"] as String, $0["n"] as Int)
            })
        }
        #expect(counts.queued == expected["queued"] && counts.sent == expected["sent"])
        #expect(counts.failed == expected["failed"] && counts.dead == expected["dead"])
        #expect(counts.queued == 598 && counts.dead == 580)
        #expect(counts.oldestQueued == Date(epochMillis: 1_010))
        let read = statements.withLock { $0 }.filter { $0.hasPrefix("SELECT") }
        #expect(read.count == 2)
        for statement in read {
            let plan = try await database.writer.read { db in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + statement).map { $0["detail"] as String }
            }
            #expect(!plan.contains { $0.split(separator: " ").prefix(2) == ["SCAN", "ga_outbox"] }, "\(statement): \(plan)")
        }
    }
}

extension ClickWriteOutcome {
    var gaStatus: GAStatus? {
        if case .stored(_, let status) = self { return status }
        return nil
    }
}
