import Foundation
import Logging
import PostgresNIO
import Synchronization

/// The one handle on a PostgreSQL database: a connection pool that reconnects by itself, with
/// every use bounded in how long it waits for a connection, so an unreachable server turns
/// into `DatabaseUnavailable` in seconds instead of a request that hangs.
package final class PostgreSQLDatabase: Sendable {
    package let settings: DatabaseServerSettings
    let client: PostgresClient
    let logger: Logger
    private let running: Task<Void, Never>

    /// How long a statement waits for a pooled connection before the database counts as unreachable.
    let leaseTimeout: Duration

    package init(
        settings: DatabaseServerSettings, maximumConnections: Int = 20, idleTimeout: Duration = .seconds(60),
        leaseTimeout: Duration = .seconds(5), logger: Logger
    ) {
        self.settings = settings
        self.leaseTimeout = leaseTimeout
        self.logger = logger
        var configuration = PostgresClient.Configuration(
            host: settings.host, port: settings.port, username: settings.username, password: settings.password,
            database: settings.database, tls: Self.tls(settings.sslMode))
        configuration.options.additionalStartupParameters = [("application_name", settings.applicationName)]
        configuration.options.maximumConnections = maximumConnections
        configuration.options.connectTimeout = .seconds(5)
        configuration.options.connectionIdleTimeout = idleTimeout
        // The pool logs nothing of its own: its connection errors reach us through the statements.
        client = PostgresClient(configuration: configuration)
        let client = client
        running = Task { await client.run() }
    }

    private static func tls(_ mode: DatabaseServerSettings.SSLMode) -> PostgresClient.Configuration.TLS {
        var unchecked = TLSConfiguration.makeClientConfiguration()
        unchecked.certificateVerification = .none
        switch mode {
        case .disable: return .disable
        case .prefer: return .prefer(unchecked)
        case .require: return .require(unchecked)
        case .verifyFull: return .require(.makeClientConfiguration())
        }
    }

    /// Connects, retrying an unreachable server for up to `wait` with a log line per attempt,
    /// then applies pending migrations. Throws `DatabaseUnavailable` when the wait ran out.
    package static func connect(
        _ settings: DatabaseServerSettings, waitingUpTo wait: Duration, maximumConnections: Int = 20, idleTimeout: Duration = .seconds(60),
        logger: Logger
    ) async throws -> PostgreSQLDatabase {
        let database = PostgreSQLDatabase(settings: settings, maximumConnections: maximumConnections, idleTimeout: idleTimeout, logger: logger)
        let deadline = ContinuousClock.now + wait
        var attempt = 1
        while true {
            do {
                try await database.withConnection { connection in try await connection.query("SELECT 1", logger: logger) }
                break
            } catch let error as DatabaseUnavailable {
                let remaining = deadline - ContinuousClock.now
                guard remaining > .zero else {
                    await database.close()
                    throw DatabaseUnavailable("\(error.description); gave up after \(wait) (CLICKTRAIL_DATABASE_WAIT)")
                }
                logger.warning(
                    "database not reachable yet; retrying",
                    metadata: ["attempt": "\(attempt)", "server": "\(settings.serverName)", "error": "\(error)"])
                attempt += 1
                try await Task.sleep(for: min(.seconds(1), remaining))
            } catch {
                await database.close()
                throw error
            }
        }
        do {
            try await PostgreSQLMigrations.migrate(database)
        } catch {
            await database.close()
            throw error
        }
        return database
    }

    /// Runs `body` on a pooled connection, waiting for one at most `wait` (default: the lease timeout).
    package func withConnection<Result: Sendable>(
        waitingAtMost wait: Duration? = nil, _ body: @escaping @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let client = client
        let server = settings.serverName
        let leaseTimeout = wait ?? leaseTimeout
        do {
            return try await withThrowingTaskGroup(of: Result?.self) { group in
                let leased = LeaseFlag()
                group.addTask {
                    try await client.withConnection { connection in
                        leased.value.store(true, ordering: .relaxed)
                        return try await body(connection)
                    }
                }
                group.addTask {
                    try await Task.sleep(for: leaseTimeout)
                    guard leased.value.load(ordering: .relaxed) else {
                        throw DatabaseUnavailable("PostgreSQL at \(server) is unreachable: no connection within \(leaseTimeout)")
                    }
                    return nil
                }
                while let next = try await group.next() {
                    if let result = next {
                        group.cancelAll()
                        return result
                    }
                }
                throw CancellationError()
            }
        } catch {
            throw PostgreSQLFailure.wrapping(error, server: server)
        }
    }

    /// Runs `body` in a transaction on a pooled connection: committed when it returns, rolled
    /// back when it throws.
    package func withTransaction<Result: Sendable>(
        _ body: @escaping @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let logger = logger
        return try await withConnection { connection in
            try await connection.withTransaction(logger: logger) { connection in try await body(connection) }
        }
    }

    /// Whether a trivial query answers within two seconds: what `/readyz` reports, quicker than
    /// a load balancer's usual health-check timeout.
    package func isReachable() async -> Bool {
        let logger = logger
        return (try? await withConnection(waitingAtMost: .seconds(2)) { connection in
            try await connection.query("SELECT 1", logger: logger).collect().count == 1
        }) ?? false
    }

    /// Closes the pool; statements after this fail.
    package func close() async {
        running.cancel()
        await running.value
    }
}

/// Set once a statement has its connection: from then on the lease timeout no longer applies.
private final class LeaseFlag: Sendable {
    let value = Atomic<Bool>(false)
}

extension PostgresConnection {
    /// Runs `query` and decodes each row with `decode`.
    func rows<Item>(_ query: PostgresQuery, logger: Logger, _ decode: (PostgresRandomAccessRow) throws -> Item) async throws -> [Item] {
        var items: [Item] = []
        for try await row in try await self.query(query, logger: logger) {
            items.append(try decode(row.makeRandomAccess()))
        }
        return items
    }

    /// Runs `query` for its side effect.
    func execute(_ query: PostgresQuery, logger: Logger) async throws {
        for try await _ in try await self.query(query, logger: logger) {}
    }

    /// The one integer `query` answers (a `COUNT(*)`, a `RETURNING` wrapped in a count).
    func integer(_ query: PostgresQuery, logger: Logger) async throws -> Int {
        var value: Int64 = 0
        for try await (number) in try await self.query(query, logger: logger).decode(Int64?.self) {
            value = number ?? 0
        }
        return Int(value)
    }
}
