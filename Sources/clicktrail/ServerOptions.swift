import API
import ArgumentParser
import Foundation

/// The options shared by every command that touches the database or the keys.
struct ServerOptions: ParsableArguments {
    @Option(help: "SQLite database file (its folder is the data folder), or a postgres:// URL shared by several instances. [env: CLICKTRAIL_DATABASE] (default: ./data/clicktrail.sqlite)")
    var database: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical. [env: CLICKTRAIL_LOG_LEVEL] (default: info)")
    var logLevel: String?

    @Option(help: "Log format: text, or json for one JSON object a line. [env: CLICKTRAIL_LOG_FORMAT] (default: text)")
    var logFormat: String?

    /// Flags by the environment variable they override.
    var overrides: [String: String] {
        var values: [String: String] = [:]
        values["CLICKTRAIL_DATABASE"] = database
        values["CLICKTRAIL_LOG_LEVEL"] = logLevel
        values["CLICKTRAIL_LOG_FORMAT"] = logFormat
        return values
    }

    func resolve(adding more: [String: String] = [:]) throws -> AppConfiguration {
        do {
            return try AppConfiguration.resolve(
                overrides: overrides.merging(more) { $1 }, environment: ProcessInfo.processInfo.environment)
        } catch {
            throw ValidationError(error.description)
        }
    }
}
