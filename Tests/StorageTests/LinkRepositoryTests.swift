import Synchronization
import Domain
import Foundation
import GRDB
import Storage
import TestSupport
import Testing

/// Every kind of database the service uses: SQLite in memory and in a WAL file, and PostgreSQL.
enum DatabaseKind: String, CaseIterable, CustomTestStringConvertible {
    case sqliteInMemory
    case sqliteFile
    case postgreSQL

    var testDescription: String { rawValue }

    func open() async throws -> TestDatabase {
        switch self {
        case .sqliteInMemory:
            return try await TestDatabase.make(.sqlite)
        case .sqliteFile:
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("clicktrail-\(UUID().uuidString)")
            return try TestDatabase(sqlite: try AppDatabase.open(path: folder.appendingPathComponent("nested/clicktrail.sqlite").path))
        case .postgreSQL:
            return try await TestDatabase.make(.postgreSQL)
        }
    }
}

extension TestBackend: CustomTestStringConvertible {
    public var testDescription: String { rawValue }
}


@Suite struct LinkRepositoryTests {
    @Test(arguments: DatabaseKind.allCases)
    func createdLinkIsFoundWithEveryField(_ kind: DatabaseKind) async throws {
        let repository = try await kind.open().storage.links
        let input = try LinkDraft.validated(
            slug: "sale", name: "Summer sale", url: "https://shop.example/sale?x=1", active: false, redirectStatus: 308,
            forwardQuery: true, tags: ["summer", "shoes"])
        let created = try await repository.create(input)
        let found = try #require(try await repository.find(slug: "sale"))
        #expect(found == created)
        #expect(found.draft == input)
        #expect(found.clickCount == 0)
        #expect(found.id > 0)
        #expect(found.createdAt == found.updatedAt)
    }

    @Test(arguments: DatabaseKind.allCases)
    func aTakenSlugIsRefused(_ kind: DatabaseKind) async throws {
        let repository = try await kind.open().storage.links
        _ = try await repository.create(try draft("sale"))
        await #expect(throws: LinkRepositoryError.slugTaken("sale")) {
            try await repository.create(try draft("sale", url: "https://other.example"))
        }
        #expect(try await repository.find(slug: "sale")?.url == "https://shop.example/p")
    }

    @Test(arguments: TestBackend.allCases)
    func upsertCreatesThenReplacesKeepingIdentity(_ backend: TestBackend) async throws {
        var clock = Date(timeIntervalSince1970: 1_800_000_000)
        let times = LockedDates()
        let database = try await TestDatabase.make(backend)
        let repository = database.links(now: { times.next() })
        times.set(clock)
        let (first, firstOutcome) = try await repository.upsert(try draft("sale", name: "Old", tags: ["a"]))
        clock.addTimeInterval(60)
        times.set(clock)
        let (second, secondOutcome) = try await repository.upsert(try draft("sale", url: "https://new.example"))
        #expect(firstOutcome == .created)
        #expect(secondOutcome == .replaced)
        #expect(second.id == first.id)
        #expect(second.createdAt == first.createdAt)
        #expect(second.updatedAt == clock)
        #expect(second.name == "sale")
        #expect(second.tags.isEmpty)
        #expect(second.url == "https://new.example")
    }

    @Test(arguments: TestBackend.allCases)
    func updateRenamesAndRefusesATakenSlug(_ backend: TestBackend) async throws {
        let repository = try await TestDatabase.make(backend).storage.links
        _ = try await repository.create(try draft("a"))
        _ = try await repository.create(try draft("b"))
        let renamed = try await repository.update(slug: "a", to: try draft("c"))
        #expect(renamed?.slug == "c")
        #expect(try await repository.find(slug: "a") == nil)
        await #expect(throws: LinkRepositoryError.slugTaken("b")) {
            try await repository.update(slug: "c", to: try draft("b"))
        }
        #expect(try await repository.update(slug: "missing", to: try draft("missing")) == nil)
    }

    @Test(arguments: DatabaseKind.allCases)
    func deleteRemovesOnceThenReportsMissing(_ kind: DatabaseKind) async throws {
        let repository = try await kind.open().storage.links
        _ = try await repository.create(try draft("gone"))
        #expect(try await repository.delete(slug: "gone"))
        #expect(try await repository.find(slug: "gone") == nil)
        #expect(try await repository.delete(slug: "gone") == false)
    }

    @Test(arguments: DatabaseKind.allCases)
    func cursorPaginationReturnsEachLinkExactlyOnce(_ kind: DatabaseKind) async throws {
        let repository = try await kind.open().storage.links
        let slugs = (0..<53).map { "link-\($0)" }
        for slug in slugs { _ = try await repository.create(try draft(slug)) }
        // A link deleted mid-walk must not make the walk skip or repeat the others.
        var seen: [String] = []
        var after: Int64? = nil
        repeat {
            let page = try await repository.list(LinkFilter(), after: after, limit: 10)
            #expect(page.items.count <= 10)
            seen += page.items.map(\.slug)
            after = page.nextAfter
            if seen.count == 20 { _ = try await repository.delete(slug: "link-45") }
        } while after != nil
        #expect(seen == slugs.filter { $0 != "link-45" })
    }

    @Test(arguments: TestBackend.allCases)
    func lastFullPageHasNoNextCursor(_ backend: TestBackend) async throws {
        let repository = try await TestDatabase.make(backend).storage.links
        for index in 0..<4 { _ = try await repository.create(try draft("l\(index)")) }
        let first = try await repository.list(LinkFilter(), after: nil, limit: 2)
        let second = try await repository.list(LinkFilter(), after: first.nextAfter, limit: 2)
        #expect(first.nextAfter != nil)
        #expect(second.items.map(\.slug) == ["l2", "l3"])
        #expect(second.nextAfter == nil)
    }

    @Test(arguments: TestBackend.allCases)
    func filtersByActiveTagAndText(_ backend: TestBackend) async throws {
        let repository = try await TestDatabase.make(backend).storage.links
        _ = try await repository.create(try draft("shoes", name: "Running SHOES", tags: ["sport"]))
        _ = try await repository.create(try draft("hats", url: "https://hats.example/100%_wool", active: false, tags: ["sport", "winter"]))
        _ = try await repository.create(try draft("books", tags: ["sportive"]))

        func slugs(_ filter: LinkFilter) async throws -> [String] {
            try await repository.list(filter, after: nil, limit: 50).items.map(\.slug)
        }
        #expect(try await slugs(LinkFilter(active: true)) == ["shoes", "books"])
        #expect(try await slugs(LinkFilter(active: false)) == ["hats"])
        #expect(try await slugs(LinkFilter(tag: "sport")) == ["shoes", "hats"])
        #expect(try await slugs(LinkFilter(tag: "spo")) == [])
        #expect(try await slugs(LinkFilter(text: "running shoes")) == ["shoes"])
        #expect(try await slugs(LinkFilter(text: "HATS.EXAMPLE")) == ["hats"])
        // LIKE wildcards in the search text match literally.
        #expect(try await slugs(LinkFilter(text: "100%_")) == ["hats"])
        #expect(try await slugs(LinkFilter(text: "%")) == ["hats"])
        #expect(try await slugs(LinkFilter(active: true, tag: "sport", text: "shoe")) == ["shoes"])
    }

    @Test func fileDatabaseUsesWALAndForeignKeys() async throws {
        let database = try #require(try await DatabaseKind.sqliteFile.open().sqlite)
        let (journal, foreignKeys) = try await database.writer.read { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA foreign_keys"))
        }
        #expect(journal == "wal")
        #expect(foreignKeys == 1)
        #expect(await database.isReachable())
    }

    @Test func reopeningAFileKeepsItsLinks() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("clicktrail-\(UUID().uuidString).sqlite").path
        _ = try await SQLiteLinkRepository(database: try AppDatabase.open(path: path)).create(try draft("kept"))
        let reopened = SQLiteLinkRepository(database: try AppDatabase.open(path: path))
        #expect(try await reopened.find(slug: "kept") != nil)
    }
}

/// A settable clock for tests that check timestamps.
final class LockedDates: Sendable {
    private let storage = Mutex(Date(timeIntervalSince1970: 0))

    func set(_ date: Date) { storage.withLock { $0 = date } }
    func next() -> Date { storage.withLock { $0 } }
}

/// A text with NUL cannot be stored on PostgreSQL (its text type refuses it) and never is on
/// SQLite (writes are validated): looking one up finds nothing on both, instead of failing.
@Suite struct UnstorableTextTests {
    @Test(arguments: TestBackend.allCases)
    func lookupsByATextWithNULFindNothing(_ backend: TestBackend) async throws {
        let storage = try await TestDatabase.make(backend).storage
        _ = try await storage.links.create(try draft("sale", tags: ["summer"]))
        let nul = "sa\u{0}le"
        #expect(try await storage.links.find(slug: nul) == nil)
        #expect(try await storage.links.update(slug: nul, to: try draft("other")) == nil)
        #expect(try await storage.links.delete(slug: nul) == false)
        #expect(try await storage.links.list(LinkFilter(tag: nul), after: nil, limit: 10).items.isEmpty)
        #expect(try await storage.links.list(LinkFilter(text: nul), after: nil, limit: 10).items.isEmpty)
        #expect(try await storage.leads.list(LeadFilter(utmSource: nul), after: nil, limit: 10).items.isEmpty)
        #expect(try await storage.leads.erase(subject: nul) == 0)
        #expect(try await storage.consents.current(subject: nul) == nil)
        #expect(try await storage.consents.history(subject: nul).isEmpty)
        #expect(try await storage.links.find(slug: "sale") != nil)
    }
}
