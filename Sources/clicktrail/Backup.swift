import API
import ArgumentParser
import Storage

struct Backup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy the database consistently while the service runs.",
        discussion: """
            Uses SQLite's online backup API: the copy is one snapshot (every click committed before \
            the backup began, none after), checked with PRAGMA integrity_check, and written under \
            FILE only when complete. The service keeps serving and writing meanwhile. \
            Example: clicktrail backup --to /backups/clicktrail-$(date +%F).sqlite
            """)

    @OptionGroup var options: ServerOptions

    @Option(help: "The file to create; an existing file is never overwritten.")
    var to: String

    func run() async throws {
        let configuration = try options.resolve()
        guard let path = configuration.database.filePath else {
            throw ValidationError("""
                \(configuration.database) is a PostgreSQL database: back it up with PostgreSQL's own tool, which takes a \
                consistent snapshot while instances keep writing: pg_dump --format=custom --file=clicktrail.dump '<database URL>' \
                (restore with pg_restore; the README's "Scaling out" has the details)
                """)
        }
        do {
            let size = try AppDatabase.backup(from: path, to: to)
            print("Backed up \(path) to \(to) (\(size / 1024) KiB)")
        } catch let error as BackupError {
            throw ValidationError(error.description)
        }
    }
}
