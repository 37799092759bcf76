import Domain
import Foundation
import GRDB

/// Links in SQLite.
package struct SQLiteLinkRepository: LinkRepository {
    private let database: AppDatabase
    private let now: @Sendable () -> Date

    package init(database: AppDatabase, now: @escaping @Sendable () -> Date = Date.init) {
        self.database = database
        self.now = now
    }

    package func list(_ filter: LinkFilter, after: Int64?, limit: Int) async throws -> Page<Link> {
        try await database.writer.read { db in
            var request = LinkRecord.all().order(LinkRecord.Columns.id)
            if let after {
                request = request.filter(LinkRecord.Columns.id > after)
            }
            if let active = filter.active {
                request = request.filter(LinkRecord.Columns.active == active)
            }
            if let tag = filter.tag {
                request = request.filter(sql: "EXISTS (SELECT 1 FROM json_each(link.tags) WHERE json_each.value = ?)", arguments: [tag])
            }
            if let text = filter.text, !text.isEmpty {
                let pattern = "%" + LikePattern.escaped(text) + "%"
                request = request.filter(
                    sql: "(slug LIKE ? ESCAPE '\\' OR name LIKE ? ESCAPE '\\' OR url LIKE ? ESCAPE '\\')",
                    arguments: [pattern, pattern, pattern])
            }
            // One row more than asked tells whether another page exists without a COUNT.
            let records = try request.limit(limit + 1).fetchAll(db)
            let pageRecords = records.prefix(limit)
            let nextAfter = records.count > limit ? pageRecords.last?.id : nil
            return Page(items: pageRecords.map(\.link), nextAfter: nextAfter)
        }
    }

    package func find(slug: String) async throws -> Link? {
        try await database.writer.read { db in
            try LinkRecord.filter(LinkRecord.Columns.slug == slug).fetchOne(db)?.link
        }
    }

    package func create(_ draft: LinkDraft) async throws -> Link {
        let now = now()
        return try await database.writer.write { db in
            var record = LinkRecord(draft: draft, now: now)
            try Self.refusingTakenSlug(draft.slug) { try record.insert(db) }
            return record.link
        }
    }

    package func upsert(_ draft: LinkDraft) async throws -> (Link, UpsertOutcome) {
        let now = now()
        return try await database.writer.write { db in
            if var existing = try LinkRecord.filter(LinkRecord.Columns.slug == draft.slug).fetchOne(db) {
                existing.apply(draft, now: now)
                try existing.update(db)
                return (existing.link, .replaced)
            }
            var record = LinkRecord(draft: draft, now: now)
            try record.insert(db)
            return (record.link, .created)
        }
    }

    package func update(slug: String, to draft: LinkDraft) async throws -> Link? {
        let now = now()
        return try await database.writer.write { db in
            guard var record = try LinkRecord.filter(LinkRecord.Columns.slug == slug).fetchOne(db) else {
                return nil
            }
            record.apply(draft, now: now)
            try Self.refusingTakenSlug(draft.slug) { try record.update(db) }
            return record.link
        }
    }

    /// Deletes the link with its clicks and aggregates. The raw clicks go first, in batches of
    /// their own transactions, so that a link with millions of clicks never holds the database's
    /// one writer (and with it every redirect's click batch) for one long transaction.
    package func delete(slug: String) async throws -> Bool {
        guard let id = try await database.writer.read({ db in
            try Int64.fetchOne(db, sql: "SELECT id FROM link WHERE slug = ?", arguments: [slug])
        }) else { return false }
        while try await database.writer.write({ db in
            try db.execute(
                sql: "DELETE FROM click WHERE id IN (SELECT id FROM click WHERE link_id = ? LIMIT ?)",
                arguments: [id, LinkDeletion.clickBatch])
            return db.changesCount == LinkDeletion.clickBatch
        }) {}
        // Clicks that arrived meanwhile and the aggregates go with the link, by cascade.
        return try await database.writer.write { db in
            for statement in LinkDeletion.subtractFromSite(linkIDPlaceholder: "?") {
                try db.execute(sql: statement, arguments: [id])
            }
            return try LinkRecord.filter(LinkRecord.Columns.id == id).deleteAll(db) > 0
        }
    }

    package func importLinks(_ drafts: [LinkDraft], replacing: Bool, allOrNothing: Bool) async throws -> [LinkImportOutcome] {
        let now = now()
        struct Refused: Error { var outcomes: [LinkImportOutcome] }
        do {
            return try await database.writer.write { db in
                var outcomes: [LinkImportOutcome] = []
                for draft in drafts {
                    if var existing = try LinkRecord.filter(LinkRecord.Columns.slug == draft.slug).fetchOne(db) {
                        guard replacing else {
                            outcomes.append(.taken)
                            continue
                        }
                        existing.apply(draft, now: now)
                        try existing.update(db)
                        outcomes.append(.replaced)
                    } else {
                        var record = LinkRecord(draft: draft, now: now)
                        try record.insert(db)
                        outcomes.append(.created)
                    }
                }
                // Thrown out of the transaction, which rolls it back.
                if allOrNothing, outcomes.contains(.taken) { throw Refused(outcomes: outcomes) }
                return outcomes
            }
        } catch let refused as Refused {
            return refused.outcomes
        }
    }

    /// Runs a write, turning the unique index's refusal into the domain's "slug taken".
    private static func refusingTakenSlug(_ slug: String, _ write: () throws -> Void) throws {
        do {
            try write()
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw LinkRepositoryError.slugTaken(slug)
        }
    }
}
