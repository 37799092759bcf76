import API
import ArgumentParser
import Storage

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply pending database migrations and exit.",
        discussion: "serve applies them too; this is for deployments that migrate before starting new instances.")

    @OptionGroup var options: ServerOptions

    func run() async throws {
        let configuration = try options.resolve()
        try AppDatabase.migrate(path: configuration.databasePath)
        print("Migrations applied to \(configuration.databasePath)")
    }
}
