import API
import ArgumentParser
import Logging
import Storage

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply pending database migrations (SQLite or PostgreSQL) and exit.",
        discussion: "serve applies them too; this is for deployments that migrate before starting new instances.")

    @OptionGroup var options: ServerOptions

    func run() async throws {
        let configuration = try options.resolve()
        let storage = try await AppStorage.open(
            configuration.database, wait: configuration.databaseWait, logger: Logger(label: "clicktrail.migrate"))
        await storage.close()
        print("Migrations applied to \(configuration.database)")
    }
}
