import Domain
import Foundation
import PostgresNIO

/// The click writer's batches in PostgreSQL: rows, counters, aggregates and GA outbox events in
/// one transaction. Batches of this and other instances run at the same time, so every
/// transaction locks what it shares with others in one order (a share lock on the batch's links
/// by id, their counters by id, then aggregate keys sorted) and two of them can wait for each
/// other but never deadlock.
package struct PostgreSQLClickStore: ClickStore {
    private let database: PostgreSQLDatabase

    package init(database: PostgreSQLDatabase) {
        self.database = database
    }

    /// A batch costs about ten round trips whatever its size: large batches keep the writer
    /// ahead of the redirects (measured with scripts/bench).
    package var batchSize: Int { 2_048 }

    /// A lone writer's batches alternate between preparing rows here and inserting them there;
    /// with the cores busy serving redirects it fell behind them in bursts (scripts/bench).
    package var concurrentBatches: Int { 4 }

    package func store(_ clicks: [ClickRecord]) async throws -> StoredClicks {
        let logger = database.logger
        // A batch takes milliseconds; one still running after ten seconds is stuck, and the
        // clicks behind it are better served by a retry on a fresh connection.
        return try await database.withTransaction(runningAtMost: .seconds(10)) { connection in
            try await Self.insert(clicks, connection, logger: logger)
        }
    }

    /// Inserts clicks with their aggregates and GA events inside the caller's transaction; for
    /// each click its id and GA status, nil where its link is gone.
    static func insert(_ clicks: [ClickRecord], _ connection: PostgresConnection, logger: Logger) async throws -> StoredClicks {
        // Share locks on the links, in id order: a link deleted meanwhile is either gone now (its
        // clicks skipped) or waits for this commit. Batches on the same links still insert their
        // rows side by side; only bumping the counters below waits for the other's commit.
        let linkIDs = Set(clicks.map(\.linkID)).sorted()
        let existingLinks = Set(try await connection.rows(
            "SELECT id FROM link WHERE id = ANY(\(linkIDs)) ORDER BY id FOR KEY SHARE", logger: logger
        ) { try $0["id"].decode(Int64.self) })
        let subjects = Set(clicks.compactMap { GAOutboxDecision.consentSubject(visitor: $0.visitor, counted: $0.verdict.counted) })
        let storedConsent = try await PostgreSQLConsentRepository.newest(Array(subjects), connection, logger: logger)

        var rows = ClickColumns()
        var written: [(click: ClickRecord, ga: (status: GAStatus, body: Data?))] = []
        var aggregates = ClickAggregates()
        for click in clicks where existingLinks.contains(click.linkID) {
            let verdict = click.verdict
            let stored = GAOutboxDecision.consentSubject(visitor: click.visitor, counted: verdict.counted).flatMap { storedConsent[$0]?.signals }
            let ga = GAOutboxDecision.decide(visitor: click.visitor, counted: verdict.counted, stored: stored) { clientID, consent in
                GAForwarding.affiliateClick(click, linkSlug: click.linkSlug, clientID: clientID, sessionID: click.visitor?.sessionID, consent: consent)
            }
            rows.append(click, gaStatus: ga.status)
            written.append((click, ga))
            aggregates.add(click)
        }
        let ids = rows.isEmpty ? [] : try await rows.insert(connection, logger: logger)
        let events = zip(ids, written).compactMap { id, stored -> PostgreSQLOutboxQueue.Event? in
            guard let body = stored.ga.body else { return nil }
            return .init(click_id: id, event: "affiliate_click", payload: String(decoding: body, as: UTF8.self), occurred_at: stored.click.occurredAt.epochMillis)
        }
        try await PostgreSQLOutboxQueue.enqueue(events, connection, logger: logger)
        let clickCounts = try await aggregates.write(connection, logger: logger)

        var stored: [(id: Int64, gaStatus: GAStatus)?] = []
        var next = 0
        for click in clicks {
            guard existingLinks.contains(click.linkID) else {
                stored.append(nil)
                continue
            }
            stored.append((ids[next], written[next].ga.status))
            next += 1
        }
        return StoredClicks(clicks: stored, clickCounts: clickCounts)
    }
}

/// A batch's `click` rows as one array per column, which `unnest` turns back into rows: binary
/// arrays cost both sides less than JSON text (measured with scripts/bench).
struct ClickColumns {
    private var linkIDs: [Int64] = []
    private var occurredAt: [Int64] = []
    private var referers = NullableArray<String>()
    private var refererClasses: [String] = []
    private var counted: [Bool] = []
    private var reasons: [String] = []
    private var leadSources = LeadSourceColumns.names.map { _ in NullableArray<String>() }
    private var gaStatuses: [String] = []
    private var rules = NullableArray<Int32>()
    private var destinations = NullableArray<Int32>()

    var isEmpty: Bool { linkIDs.isEmpty }

    mutating func append(_ click: ClickRecord, gaStatus: GAStatus) {
        let verdict = click.verdict
        linkIDs.append(click.linkID)
        occurredAt.append(click.occurredAt.epochMillis)
        referers.elements.append(verdict.referer)
        refererClasses.append(verdict.refererClass.rawValue)
        counted.append(verdict.counted)
        reasons.append(verdict.reason.rawValue)
        for (index, value) in LeadSourceColumns.values(verdict.leadSource).enumerated() {
            leadSources[index].elements.append(value)
        }
        gaStatuses.append(gaStatus.rawValue)
        rules.elements.append(click.rule.map(Int32.init))
        destinations.elements.append(click.destination.map(Int32.init))
    }

    /// Inserts the rows in order; their ids, ascending.
    func insert(_ connection: PostgresConnection, logger: Logger) async throws -> [Int64] {
        let columns = ClickColumnNames.all
        var binds = PostgresBindings()
        binds.append(linkIDs)
        binds.append(occurredAt)
        try binds.append(referers)
        binds.append(refererClasses)
        binds.append(counted)
        binds.append(reasons)
        for column in leadSources { try binds.append(column) }
        binds.append(gaStatuses)
        try binds.append(rules)
        try binds.append(destinations)
        let names = columns.joined(separator: ", ")
        // Ids come from the sequence in the order rows are inserted, which ORDER BY fixes.
        let sql = """
            INSERT INTO click (\(names))
            SELECT \(names) FROM unnest(\(PostgresBindings.placeholders(binds.count))) WITH ORDINALITY AS t(\(names), position)
            ORDER BY position RETURNING id
            """
        return try await connection.rows(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger) {
            try $0["id"].decode(Int64.self)
        }.sorted()
    }
}
