import API
import ArgumentParser
import Foundation
import Logging
import Storage

struct CopyData: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy-data",
        abstract: "Copy a SQLite database into an empty PostgreSQL database, then check both agree.",
        discussion: """
            Copies every table (links, the click log, every aggregate, leads, the consent log, page views, \
            the GA outbox) in batches inside one PostgreSQL transaction, so a failed copy leaves the target \
            empty. It refuses a target that already holds data. Afterwards it compares row counts and \
            counters table by table and exits 1 if any differ. Stop the service first, or copy a backup: \
            clicks written after the copy began are not in it. \
            Example: clicktrail copy-data --from ./data/clicktrail.sqlite --to postgres://clicktrail@db/clicktrail
            """)

    @Option(help: "The SQLite database file to copy from.")
    var from: String

    @Option(help: "The PostgreSQL database to fill, as a postgres:// URL (the password may instead come from CLICKTRAIL_DATABASE_PASSWORD_FILE).")
    var to: String

    @Option(help: "Rows per batch.")
    var batchSize: Int = 5_000

    func validate() throws {
        guard (1...100_000).contains(batchSize) else { throw ValidationError("--batch-size must be from 1 to 100000") }
    }

    func run() async throws {
        let passwordFile = ProcessInfo.processInfo.environment["CLICKTRAIL_DATABASE_PASSWORD_FILE"].flatMap { $0.isEmpty ? nil : $0 }
        let location: DatabaseLocation
        do {
            location = try DatabaseLocation.parse(to, passwordFile: passwordFile)
        } catch {
            throw ValidationError("--to: \(error.description)")
        }
        guard case .server(let settings) = location else {
            throw ValidationError("--to must be a postgres:// URL; to copy a SQLite file, use clicktrail backup")
        }
        let target = try await PostgreSQLDatabase.connect(settings, waitingUpTo: .seconds(30), logger: Logger(label: "clicktrail.copy-data"))
        let started = ContinuousClock.now
        let checks: [SQLiteToPostgreSQLCopy.Check]
        do {
            checks = try await SQLiteToPostgreSQLCopy.run(from: from, to: target, batchSize: batchSize) { line in print(line) }
        } catch let error as SQLiteToPostgreSQLCopy.TargetNotEmpty {
            await target.close()
            throw ValidationError(error.description)
        } catch {
            await target.close()
            throw error
        }
        await target.close()
        print("Copied \(from) to \(location) in \(Int((ContinuousClock.now - started).components.seconds)) s; checked table by table:")
        for check in checks { print("  \(check)") }
        guard checks.allSatisfy(\.matches) else {
            print("The copy differs from its source; do not switch over to it.")
            throw ExitCode.failure
        }
        print("Every table matches: point CLICKTRAIL_DATABASE at \(location) and start the instances.")
    }
}
