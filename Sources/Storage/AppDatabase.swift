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
        try PrivateFile.createFolderIfMissing(URL(fileURLWithPath: path).deletingLastPathComponent())
        // It holds subjects and the consent log: the owner's only, and so are its WAL and -shm.
        try PrivateFile.createIfMissing(atPath: path)
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

extension AppDatabase {
    /// A consistent copy of the live database at `destination`, made with SQLite's online backup
    /// API in one step: it reads one snapshot while the service keeps writing (WAL readers never
    /// block writers), so the copy holds every transaction committed before it began and none
    /// after. The copy is written beside the destination and renamed into place, so a failed or
    /// interrupted backup never leaves a half file under the final name. Answers the copy's size.
    package static func backup(from source: String, to destination: String) throws -> Int64 {
        guard FileManager.default.fileExists(atPath: source) else {
            throw BackupError("no database at \(source)")
        }
        guard !FileManager.default.fileExists(atPath: destination) else {
            throw BackupError("\(destination) exists; backups never overwrite a file")
        }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(5)
        let live = try DatabasePool(path: source, configuration: configuration)
        let partial = destination + ".partial"
        try? FileManager.default.removeItem(atPath: partial)
        do {
            try PrivateFile.createIfMissing(atPath: partial)
            let copy = try DatabaseQueue(path: partial)
            try live.backup(to: copy)
            let problems = try copy.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
            guard problems == ["ok"] else { throw BackupError("the copy failed its integrity check: \(problems.joined(separator: "; "))") }
            try copy.close()
            try live.close()
            try FileManager.default.moveItem(atPath: partial, toPath: destination)
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            throw error
        }
        let attributes = try FileManager.default.attributesOfItem(atPath: destination)
        return (attributes[.size] as? NSNumber)?.int64Value ?? 0
    }
}

package struct BackupError: Error, CustomStringConvertible {
    package var description: String
    init(_ description: String) { self.description = description }
}
