import Foundation
import GRDB
import Storage
import Testing

/// The database holds subjects and the consent log: it, its WAL and its backups are the owner's
/// only from the moment they exist, whatever the process's umask lets through.
@Suite struct PrivateFilesTests {
    static func mode(_ path: String) throws -> Int? {
        try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
    }

    @Test func theDatabaseItsWALAndItsBackupsAreCreated0600() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("clicktrail-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("data/clicktrail.sqlite").path
        let database = try AppDatabase.open(path: path)
        try await database.writer.write { db in
            try db.execute(sql: "INSERT INTO consent_log (subject, analytics_storage, ad_storage, ad_user_data, ad_personalization, recorded_at) VALUES ('1.2', 'granted', 'denied', 'denied', 'denied', 0)")
        }
        #expect(try Self.mode(path) == 0o600)
        #expect(try Self.mode(path + "-wal") == 0o600)
        #expect(try Self.mode(path + "-shm") == 0o600)
        #expect(try Self.mode(folder.appendingPathComponent("data").path) == 0o700)

        let copy = folder.appendingPathComponent("backup.sqlite").path
        _ = try AppDatabase.backup(from: path, to: copy)
        #expect(try Self.mode(copy) == 0o600)
    }

    @Test func anExclusiveCreateNeverReplacesAFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("clicktrail-\(UUID().uuidString)")
        try PrivateFile.createFolderIfMissing(folder)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("secret").path
        #expect(try PrivateFile.createExclusively(atPath: path, contents: Data("first".utf8)))
        #expect(try !PrivateFile.createExclusively(atPath: path, contents: Data("second".utf8)))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "first")
        #expect(try Self.mode(path) == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["secret"])
    }
}
