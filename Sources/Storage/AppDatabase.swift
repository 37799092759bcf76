import Foundation
import GRDB

/// The one handle on Clicktrail's SQLite database; opening it applies every pending migration.
package struct AppDatabase: Sendable {
    package let writer: any DatabaseWriter

    init(_ writer: any DatabaseWriter) throws {
        self.writer = writer
        try AppMigrations.migrator.migrate(writer)
    }

    /// Opens (creating the file and its folder when missing) the database at `path` in WAL mode,
    /// so readers never wait for the click writer.
    package static func open(path: String) throws -> AppDatabase {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let pool = try DatabasePool(path: path, configuration: configuration())
        return try AppDatabase(pool)
    }

    /// A private in-memory database with the production configuration, for tests and tools.
    package static func inMemory() throws -> AppDatabase {
        try AppDatabase(DatabaseQueue(configuration: configuration()))
    }

    /// Applies migrations without keeping the database open (`clicktrail migrate`).
    package static func migrate(path: String) throws {
        _ = try open(path: path)
    }

    package static func configuration() -> Configuration {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        // A writer that finds the database locked (a backup, a second process) waits instead of failing.
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in
            // Durable at every checkpoint; in WAL mode NORMAL loses no committed transaction on a crash
            // of the process, only possibly the last ones on a power loss.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        return configuration
    }

    /// Whether a trivial query answers: what `/readyz` reports.
    package func isReachable() async -> Bool {
        do {
            return try await writer.read { db in try Int.fetchOne(db, sql: "SELECT 1") == 1 }
        } catch {
            return false
        }
    }
}
