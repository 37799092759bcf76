import Domain
import Foundation
import GRDB
import Logging
import PostgresNIO
import Storage
import Synchronization

/// The storage backends the tests run against.
package enum TestBackend: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite
    case postgreSQL = "postgresql"

    /// The backend of suites that run once per backend pass: `CLICKTRAIL_TEST_BACKEND`
    /// (`sqlite`, the default, or `postgresql`); scripts/test runs the API tests with each.
    package static var current: TestBackend {
        ProcessInfo.processInfo.environment["CLICKTRAIL_TEST_BACKEND"].flatMap(TestBackend.init(rawValue:)) ?? .sqlite
    }

    package var description: String { rawValue }
}

/// A fresh, migrated, empty database of one backend, and plain SQL on it for assertions. On
/// PostgreSQL each one is a new database on the server that `CLICKTRAIL_TEST_POSTGRES` names
/// (scripts/test starts a throwaway one); without it the test fails rather than skipping.
/// Its pool is never closed: idle connections close themselves after two seconds.
package final class TestDatabase: Sendable {
    package let storage: AppStorage
    package let backend: TestBackend
    /// The SQLite database, for the few tests about SQLite itself; nil on PostgreSQL.
    package let sqlite: AppDatabase?
    /// The SQLite file, when the database lives in one (see `makeReopenable`).
    private let sqlitePath: String?
    /// The PostgreSQL database; nil on SQLite.
    package let server: PostgreSQLDatabase?
    /// The server URL of this database (PostgreSQL only), for a second instance or a CLI run.
    package let url: String?

    package init(sqlite: AppDatabase, path: String? = nil) {
        self.sqlite = sqlite
        sqlitePath = path
        server = nil
        url = nil
        backend = .sqlite
        storage = .sqlite(sqlite)
    }

    private init(server: PostgreSQLDatabase, url: String) {
        sqlite = nil
        sqlitePath = nil
        self.server = server
        self.url = url
        backend = .postgreSQL
        storage = .postgreSQL(server)
    }

    package static func make(_ backend: TestBackend = .current) async throws -> TestDatabase {
        switch backend {
        case .sqlite:
            return TestDatabase(sqlite: try AppDatabase.inMemory())
        case .postgreSQL:
            return try await make(url: try await createServerDatabase())
        }
    }

    /// A database that can be opened again after a service stopped, as a restart does: on
    /// SQLite a file in a fresh temporary folder.
    package static func makeReopenable(_ backend: TestBackend = .current) async throws -> TestDatabase {
        guard backend == .sqlite else { return try await make(backend) }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("clicktrail-\(UUID().uuidString)/clicktrail.sqlite").path
        return TestDatabase(sqlite: try AppDatabase.open(path: path), path: path)
    }

    /// The same database opened afresh, as a restarted instance opens it.
    package func reopened() async throws -> TestDatabase {
        if let url { return try await Self.make(url: url) }
        guard let sqlitePath else { throw TestDatabaseError("an in-memory database cannot be reopened; use makeReopenable") }
        return TestDatabase(sqlite: try AppDatabase.open(path: sqlitePath), path: sqlitePath)
    }

    /// The PostgreSQL database at `url`, migrated.
    package static func make(url: String) async throws -> TestDatabase {
        guard case .server(let settings) = try DatabaseLocation.parse(url) else { throw TestDatabaseError("not a server URL: \(url)") }
        var logger = Logger(label: "clicktrail-test.postgresql")
        logger.logLevel = .warning
        let server = try await PostgreSQLDatabase.connect(settings, waitingUpTo: .seconds(10), maximumConnections: 6, idleTimeout: .seconds(2), logger: logger)
        return TestDatabase(server: server, url: url)
    }

    /// The test server's URL, or a failure that says how to get one.
    package static func serverURL() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["CLICKTRAIL_TEST_POSTGRES"], !url.isEmpty else {
            throw TestDatabaseError(
                "CLICKTRAIL_TEST_POSTGRES is not set: run the tests through scripts/test, which starts a throwaway PostgreSQL")
        }
        return url
    }

    /// Creates an empty, migrated database on the test server and answers its URL: a copy of a
    /// template migrated once per test process, a few copies at a time, so hundreds of tests
    /// starting together neither migrate hundreds of times nor crowd the server.
    package static func createServerDatabase() async throws -> String {
        let base = try serverURL()
        guard var components = URLComponents(string: base), case .server(let settings) = try DatabaseLocation.parse(base) else {
            throw TestDatabaseError("CLICKTRAIL_TEST_POSTGRES is not a postgres:// URL")
        }
        let template = try await ServerTemplate.shared.name(settings: settings, components: components)
        let name = "test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        try await ServerTemplate.shared.admin(settings) { connection in
            try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name) TEMPLATE \(template)"), logger: Logger(label: "clicktrail-test"))
        }
        components.path = "/" + name
        return components.string ?? base
    }

    /// The backend's link repository with its own clock, for tests that check timestamps.
    package func links(now: @escaping @Sendable () -> Date) -> any LinkRepository {
        if let sqlite { return SQLiteLinkRepository(database: sqlite, now: now) }
        return PostgreSQLLinkRepository(database: server!, now: now)
    }

    /// Where retention deletes on this backend.
    package var retentionTarget: any RetentionTarget {
        if let server { return PostgreSQLRetentionTarget(database: server) }
        return ClickRetention(database: sqlite!, retentionDays: 1).target
    }

    /// Blocks every click batch (SQLite: holds the one writer; PostgreSQL: locks the click
    /// table) until `end()` of the answer is called.
    package func holdWrites() async throws -> WriteHold {
        let (held, holding) = AsyncStream.makeStream(of: Void.self)
        let hold = WriteHold()
        let task: Task<Void, any Error>
        if let sqlite {
            task = Task {
                try await sqlite.writer.write { _ in
                    holding.yield()
                    hold.semaphore.wait()
                }
            }
        } else {
            let server = server!
            let released = hold.released
            task = Task {
                try await server.withTransaction(runningAtMost: nil) { connection in
                    try await connection.query("LOCK TABLE click IN EXCLUSIVE MODE", logger: Logger(label: "clicktrail-test"))
                    holding.yield()
                    for await _ in released {}
                }
            }
        }
        hold.task.withLock { $0 = task }
        for await _ in held { break }
        return hold
    }

    /// Every byte the database holds, as text: the SQLite files (WAL included), or every row of
    /// every table on PostgreSQL. For scans that prove something was never stored.
    package func everythingStored() async throws -> String {
        if let sqlitePath {
            let folder = URL(fileURLWithPath: sqlitePath).deletingLastPathComponent()
            var bytes = Data()
            for file in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
                bytes += try Data(contentsOf: folder.appendingPathComponent(file))
            }
            return String(decoding: bytes, as: UTF8.self)
        }
        guard server != nil else { throw TestDatabaseError("an in-memory SQLite database has no files; use makeReopenable") }
        var text = ""
        for table in try await strings("SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public'") {
            guard let table else { continue }
            text += try await strings("SELECT row_to_json(t)::text FROM \(table) AS t").compactMap { $0 }.joined(separator: "\n")
        }
        return text
    }

    /// The one integer `sql` answers (its first column), nil for no row or NULL.
    package func int(_ sql: String) async throws -> Int? {
        try await ints(sql).first ?? nil
    }

    /// The first column of every row `sql` answers, as integers.
    package func ints(_ sql: String) async throws -> [Int?] {
        if let sqlite {
            return try await sqlite.writer.read { db in try Int?.fetchAll(db, sql: sql) }
        }
        return try await serverColumn("SELECT q.c::bigint FROM (\(sql)) AS q(c)") { try $0.decode(Int64?.self).map(Int.init) }
    }

    /// The first column of every row `sql` answers, as text.
    package func strings(_ sql: String) async throws -> [String?] {
        if let sqlite {
            return try await sqlite.writer.read { db in try String?.fetchAll(db, sql: sql) }
        }
        return try await serverColumn("SELECT q.c::text FROM (\(sql)) AS q(c)") { try $0.decode(String?.self) }
    }

    /// Runs `sql` for its effect.
    package func execute(_ sql: String) async throws {
        if let sqlite {
            try await sqlite.writer.write { db in try db.execute(sql: sql) }
            return
        }
        let logger = Logger(label: "clicktrail-test")
        try await server?.withConnection { connection in
            for try await _ in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger) {}
        }
    }

    /// Every row of `sql`, each column as text (booleans as 0 and 1 on both backends), in order.
    package func rows(_ sql: String) async throws -> [[String: String?]] {
        if let sqlite {
            return try await sqlite.writer.read { db in
                try Row.fetchAll(db, sql: sql).map { row in
                    Dictionary(uniqueKeysWithValues: row.columnNames.map { name -> (String, String?) in
                        switch (row[name] as DatabaseValue).storage {
                        case .null: (name, nil)
                        case .int64(let number): (name, String(number))
                        case .double(let number): (name, String(number))
                        case .string(let text): (name, text)
                        case .blob(let data): (name, String(decoding: data, as: UTF8.self))
                        }
                    })
                }
            }
        }
        let logger = Logger(label: "clicktrail-test")
        return try await server?.withConnection { connection in
            var rows: [[String: String?]] = []
            // Each row as a JSON object of text values, so any column decodes the same way.
            let query = PostgresQuery(unsafeSQL: "SELECT row_to_json(q)::text FROM (\(sql)) AS q")
            for try await (json) in try await connection.query(query, logger: logger).decode(String.self) {
                let object = try JSONDecoder().decode([String: JSONCell].self, from: Data(json.utf8))
                rows.append(object.mapValues(\.text))
            }
            return rows
        } ?? []
    }

    private func serverColumn<Value: Sendable>(_ sql: String, _ decode: @escaping @Sendable (PostgresCell) throws -> Value) async throws -> [Value] {
        let logger = Logger(label: "clicktrail-test")
        return try await server?.withConnection { connection in
            var values: [Value] = []
            for try await row in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger) {
                values.append(try decode(row.makeRandomAccess()[0]))
            }
            return values
        } ?? []
    }
}

package struct TestDatabaseError: Error, CustomStringConvertible {
    package var description: String
    package init(_ description: String) { self.description = description }
}

/// One value of a row read as JSON, as text the way SQLite would give it (booleans as 0 and 1).
private struct JSONCell: Decodable {
    var text: String?

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            text = nil
        } else if let flag = try? container.decode(Bool.self) {
            text = flag ? "1" : "0"
        } else if let number = try? container.decode(Int64.self) {
            text = String(number)
        } else if let number = try? container.decode(Double.self) {
            text = String(number)
        } else {
            text = try container.decode(String.self)
        }
    }
}

/// Waits until `condition` holds, checking every 20 ms; fails after `limit`.
package func eventually(within limit: Duration = .seconds(10), _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + limit
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(20))
    }
    throw TestDatabaseError("condition still false after \(limit)")
}

/// Writes held by `TestDatabase.holdWrites`; `end()` lets them go (safe to call twice).
package final class WriteHold: Sendable {
    fileprivate let semaphore = DispatchSemaphore(value: 0)
    fileprivate let released: AsyncStream<Void>
    private let release: AsyncStream<Void>.Continuation
    fileprivate let task = Mutex<Task<Void, any Error>?>(nil)
    private let ended = Mutex(false)

    fileprivate init() {
        (released, release) = AsyncStream.makeStream(of: Void.self)
    }

    package func end() async throws {
        let first = ended.withLock { ended in
            defer { ended = true }
            return !ended
        }
        guard first else { return }
        semaphore.signal()
        release.finish()
        try await task.withLock { $0 }?.value
    }
}

/// The migrated template every test database is copied from, made once per process, and the
/// one administrative connection that copies it (copies are serialized by PostgreSQL anyway).
private actor ServerTemplate {
    static let shared = ServerTemplate()
    private var template: String?
    private var admin: PostgreSQLDatabase?

    func admin<Result: Sendable>(
        _ settings: DatabaseServerSettings, _ body: @escaping @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        // Hundreds of tests queue here at once: they wait their turn, however long.
        let admin = self.admin ?? PostgreSQLDatabase(
            settings: settings, maximumConnections: 2, leaseTimeout: .seconds(600), logger: Logger(label: "clicktrail-test"))
        self.admin = admin
        return try await admin.withConnection(body)
    }

    func name(settings: DatabaseServerSettings, components: URLComponents) async throws -> String {
        if let template { return template }
        let name = "template_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        _ = try await admin(settings) { connection in
            try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: Logger(label: "clicktrail-test"))
        }
        var components = components
        components.path = "/" + name
        guard let url = components.string, case .server(let templateSettings) = try DatabaseLocation.parse(url) else {
            throw TestDatabaseError("no template URL")
        }
        // Migrated, then closed: PostgreSQL copies only a template nobody is connected to.
        let migrated = try await PostgreSQLDatabase.connect(templateSettings, waitingUpTo: .seconds(10), maximumConnections: 1, logger: Logger(label: "clicktrail-test"))
        await migrated.close()
        template = name
        return name
    }
}
