import Domain
import Foundation
import GRDB
import Storage
import Synchronization
import TestSupport
import Testing

/// Deleting a link with many clicks must not hold the one writer in a single long transaction:
/// every redirect's click batch waits behind it.
@Suite struct LinkDeletionTests {
    final class DeletedClicksPerTransaction: TransactionObserver, Sendable {
        let counts = Mutex<[Int]>([])
        private let current = Mutex(0)

        func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool {
            if case .delete(let table) = eventKind { return table == "click" }
            return false
        }

        func databaseDidChange(with event: DatabaseEvent) { current.withLock { $0 += 1 } }

        func databaseDidCommit(_ db: Database) {
            let count = current.withLock { count in
                defer { count = 0 }
                return count
            }
            if count > 0 { counts.withLock { $0.append(count) } }
        }

        func databaseDidRollback(_ db: Database) { current.withLock { $0 = 0 } }
    }

    @Test func aLinkWithManyClicksIsDeletedInShortTransactions() async throws {
        let database = try #require(try await DatabaseKind.sqliteFile.open().sqlite)
        let links = SQLiteLinkRepository(database: database)
        let doomed = try await links.create(try draft("doomed"))
        let kept = try await links.create(try draft("kept"))
        let total = LinkDeletion.clickBatch * 2 + 123
        try await database.writer.write { db in
            for (link, count) in [(doomed.id, total), (kept.id, 10)] {
                try db.execute(
                    sql: """
                        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
                        INSERT INTO click (link_id, occurred_at, referer_class, counted, reason, ga_status)
                        SELECT ?, i, 'internal', 1, 'ok', 'not_applicable' FROM n
                        """,
                    arguments: [count, link])
            }
        }
        let observer = DeletedClicksPerTransaction()
        try await database.writer.write { db in db.add(transactionObserver: observer, extent: .databaseLifetime) }

        #expect(try await links.delete(slug: "doomed"))
        let perTransaction = observer.counts.withLock { $0 }
        #expect(perTransaction.reduce(0, +) == total)
        #expect(perTransaction.count >= 3)
        #expect(perTransaction.allSatisfy { $0 <= LinkDeletion.clickBatch })
        let left = try await database.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM click") }
        #expect(left == 10)
        #expect(try await links.find(slug: "doomed") == nil)
        #expect(try await links.delete(slug: "doomed") == false)
    }
}
