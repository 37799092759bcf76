import Domain
import Foundation
import GRDB
import Logging
import ServiceLifecycle
import Storage
import Synchronization
import TestSupport
import Testing

@Suite struct OutboxRepositoryTests {
    private static let counted = HitVerdict(reason: .ok, refererClass: .internal, referer: "https://example.com/", leadSource: LeadSource())

    /// Stores `clicks` through a running writer and returns what each became.
    private func store(_ clicks: [ClickRecord], in database: TestDatabase) async throws -> [ClickWriteOutcome] {
        let writer = ClickWriter(store: database.storage.clicks)
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

    @Test(arguments: TestBackend.allCases)
    func theWriterDecidesWithTheStoredConsentAndQueuesInTheClicksTransaction(_ backend: TestBackend) async throws {
        let database = try await TestDatabase.make(backend)
        let link = try await database.storage.links.create(try draft("ga"))
        _ = try await database.storage.consents.set(
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
        let queued = try await database.storage.outbox.due(at: Date(), limit: 10)
        #expect(queued.count == 1)
        #expect(queued.first?.clickID == 1)
        #expect(queued.first?.attempts == 0)
    }

    @Test(arguments: TestBackend.allCases)
    func settlingMovesEventsAndTheirClicksTogether(_ backend: TestBackend) async throws {
        let database = try await TestDatabase.make(backend)
        let link = try await database.storage.links.create(try draft("ga"))
        let now = Date()
        let clicks = (0..<4).map { index in
            ClickRecord(
                linkID: link.id, linkSlug: "ga", occurredAt: now.addingTimeInterval(Double(index)), verdict: Self.counted,
                visitor: GAVisitor(clientID: "1.2", explicitConsent: .allGranted))
        }
        _ = try await store(clicks, in: database)
        let outbox = database.storage.outbox
        let stored = Date()
        let firstTwo = try await outbox.due(at: stored, limit: 2)
        #expect(firstTwo.map(\.id) == [1, 2])
        // One SQLite process has one sender, which is handed due events until it settles them;
        // on PostgreSQL what was handed out is leased to the instance that claimed it.
        let more = try await outbox.due(at: stored, limit: 10)
        let due = backend == .postgreSQL ? firstTwo + more : more
        try #require(due.map(\.id) == [1, 2, 3, 4])
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
        let statuses = try await database.strings("SELECT ga_status FROM click ORDER BY id")
        #expect(statuses == ["sent", "failed", "failed", "queued"])
        let attempts = try await database.ints("SELECT attempts FROM ga_outbox ORDER BY id")
        // A dead letter was never attempted.
        #expect(attempts == [1, 1, 0, 1])
        // Once settled, the visitor's GA identifiers go; the state, times and error stay.
        let payloadSizes = try await database.ints("SELECT length(payload) FROM ga_outbox ORDER BY id")
        #expect(payloadSizes.prefix(3) == [0, 0, 0])
        #expect(payloadSizes[3] ?? 0 > 0)
        let errors = try await database.strings("SELECT last_error FROM ga_outbox ORDER BY id")
        #expect(errors[1] == "GA answered 400: bad")
    }

    /// `/metrics` is unauthenticated and scraped often: its outbox figures must not grow with the
    /// outbox, which keeps settled events for the whole retention period.
    @Test(arguments: TestBackend.allCases)
    func countsAreKeptNotCountedAndAgreeWithTheRows(_ backend: TestBackend) async throws {
        let database = try await TestDatabase.make(backend)
        let payload = backend == .sqlite ? "x'7b7d'" : "'{}'"
        let states = (0..<3_000).map { index in "(NULL, 'page_view', \(payload), \(1_000 + index), 0, '\(["queued", "sent", "sent", "failed", "dead"][index % 5])', 0)" }
        try await database.execute(
            "INSERT INTO ga_outbox (click_id, event, payload, occurred_at, created_at, state, next_attempt_at) VALUES " + states.joined(separator: ", "))
        try await database.execute("UPDATE ga_outbox SET state = 'sent' WHERE id IN (1, 6)")
        try await database.execute("DELETE FROM ga_outbox WHERE state = 'dead' AND id <= 100")
        let statements = Mutex<[String]>([])
        try await database.sqlite?.writer.write { db in db.trace { event in statements.withLock { $0.append("\(event)") } } }
        let counts = try await database.storage.outbox.counts()
        try await database.sqlite?.writer.write { db in db.trace(options: [], nil) }

        let expected = Dictionary(uniqueKeysWithValues: try await database.rows("SELECT state, COUNT(*) AS n FROM ga_outbox GROUP BY state").map {
            ($0["state"]! ?? "", Int($0["n"]! ?? "") ?? -1)
        })
        #expect(counts.queued == expected["queued"] && counts.sent == expected["sent"])
        #expect(counts.failed == expected["failed"] && counts.dead == expected["dead"])
        #expect(counts.queued == 598 && counts.dead == 580)
        #expect(counts.oldestQueued == Date(epochMillis: 1_010))
        guard let sqlite = database.sqlite else { return }
        let read = statements.withLock { $0 }.filter { $0.hasPrefix("SELECT") }
        #expect(read.count == 2)
        for statement in read {
            let plan = try await sqlite.writer.read { db in
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
