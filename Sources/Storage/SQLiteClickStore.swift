import Domain
import Foundation
import GRDB

/// The click writer's batches in SQLite: rows, counters, aggregates and GA outbox events in one
/// write transaction.
package struct SQLiteClickStore: ClickStore {
    private let database: AppDatabase

    package init(database: AppDatabase) {
        self.database = database
    }

    /// Enough to amortise a commit, small enough that the writer lock is held for a millisecond or two.
    package var batchSize: Int { 256 }

    package var concurrentBatches: Int { 1 }

    package func store(_ clicks: [ClickRecord]) async throws -> StoredClicks {
        try await database.writer.write { db in try Self.insert(clicks, db) }
    }

    /// Inserts clicks with their aggregates and GA events inside the caller's transaction; for
    /// each click its id and GA status, nil where its link is gone. Demo data uses it too, so
    /// generated clicks are stored exactly as served ones.
    package static func insert(_ clicks: [ClickRecord], _ db: Database) throws -> StoredClicks {
        // Links deleted since the redirect take their clicks with them: rows for a missing link
        // are skipped instead of failing the whole batch on the foreign key. One lookup per
        // batch, not a subquery per row: the transaction keeps the answer true until commit.
        let linkIDs = Array(Set(clicks.map(\.linkID)))
        let existingLinks = try Set(Int64.fetchAll(db, SQLRequest<Int64>(literal: "SELECT id FROM link WHERE id IN \(linkIDs)")))
        let columns = ClickColumnNames.all
        let insertClick = try db.cachedStatement(sql: """
            INSERT INTO click (\(columns.joined(separator: ", "))) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))
            """)
        var stored: [(id: Int64, gaStatus: GAStatus)?] = []
        var aggregates = ClickAggregates()
        for click in clicks {
            guard existingLinks.contains(click.linkID) else {
                stored.append(nil)
                continue
            }
            let verdict = click.verdict
            var arguments: StatementArguments = [
                click.linkID, click.occurredAt.epochMillis, verdict.referer, verdict.refererClass.rawValue,
                verdict.counted, verdict.reason.rawValue,
            ]
            let ga = try GAOutboxQueue.decide(visitor: click.visitor, counted: verdict.counted, db) { clientID, consent in
                GAForwarding.affiliateClick(
                    click, linkSlug: click.linkSlug, clientID: clientID, sessionID: click.visitor?.sessionID, consent: consent)
            }
            arguments += LeadSourceColumns.arguments(verdict.leadSource)
            arguments += [ga.status.rawValue, click.rule, click.destination]
            try insertClick.execute(arguments: arguments)
            let id = db.lastInsertedRowID
            stored.append((id, ga.status))
            if let body = ga.body {
                try GAOutboxQueue.enqueue(body, event: "affiliate_click", clickID: id, occurredAt: click.occurredAt, db)
            }
            aggregates.add(click)
        }
        return StoredClicks(clicks: stored, clickCounts: try aggregates.write(db))
    }
}
