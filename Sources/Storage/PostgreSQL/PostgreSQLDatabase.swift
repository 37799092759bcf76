import Foundation
import Logging
import PostgresNIO
import Synchronization

/// The one handle on a PostgreSQL database: a connection pool that reconnects by itself, with
/// every use bounded in how long it waits for a connection, so an unreachable server turns
/// into `DatabaseUnavailable` in seconds instead of a request that hangs.
package final class PostgreSQLDatabase: Sendable {
    package let settings: DatabaseServerSettings
    /// Tells this instance's link change notifications from other instances'.
    let instanceID = UUID().uuidString
    let client: PostgresClient
    let logger: Logger
    private let running: Task<Void, Never>

    /// How long a statement waits for a pooled connection before the database counts as unreachable.
    let leaseTimeout: Duration
    /// How long one start-up attempt waits for the server.
    static let connectAttempt: Duration = .seconds(2)
    /// The database's sockets on a thread of their own: on the HTTP server's event loops every
    /// reply waited its turn behind the busy connections, and the click writer fell behind the
    /// redirects under load (measured with scripts/bench).
    static let eventLoopGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)

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
        client = PostgresClient(configuration: configuration, eventLoopGroup: Self.eventLoopGroup)
        let client = client
        running = Task { await client.run() }
    }

    /// Opens and closes one connection with the pool's settings; throws what went wrong.
    private func probe(timeout: Duration) async throws {
        var configuration = PostgresConnection.Configuration(
            host: settings.host, port: settings.port, username: settings.username, password: settings.password,
            database: settings.database, tls: try Self.connectionTLS(settings.sslMode))
        configuration.options.connectTimeout = .milliseconds(Int64(timeout.components.seconds * 1000))
        configuration.options.additionalStartupParameters = [("application_name", settings.applicationName)]
        let connection = try await PostgresConnection.connect(
            on: Self.eventLoopGroup.next(), configuration: configuration, id: 0, logger: logger
        ).get()
        try? await connection.close()
    }

    private static func connectionTLS(_ mode: DatabaseServerSettings.SSLMode) throws -> PostgresConnection.Configuration.TLS {
        var unchecked = TLSConfiguration.makeClientConfiguration()
        unchecked.certificateVerification = .none
        switch mode {
        case .disable: return .disable
        case .prefer: return .prefer(try NIOSSLContext(configuration: unchecked))
        case .require: return .require(try NIOSSLContext(configuration: unchecked))
        case .verifyFull: return .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
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
                // A connection of its own, outside the pool, which would retry quietly and hide
                // why it cannot connect (refused, no TLS, wrong password, no such database).
                do {
                    try await database.probe(timeout: Self.connectAttempt)
                } catch {
                    throw PostgreSQLFailure.wrapping(error, server: settings.serverName)
                }
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

    /// Runs `body` on a pooled connection, waiting for one at most `wait` (default: the lease
    /// timeout) and letting `body` run at most `limit` (nil: as long as it takes).
    ///
    /// The limit is there because a statement in flight when the server shuts down can wait
    /// forever for an answer that never comes, even once its connection is closed (seen with
    /// postgres-nio 1.33 and a fast shutdown, docs/decisions.md): past the limit the caller gets
    /// `DatabaseUnavailable` at once, to retry on a fresh connection, and the wedged one is
    /// closed and left behind.
    package func withConnection<Result: Sendable>(
        waitingAtMost wait: Duration? = nil, runningAtMost limit: Duration? = PostgreSQLDatabase.statementLimit,
        _ body: @escaping @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let client = client
        let server = settings.serverName
        let leaseTimeout = wait ?? leaseTimeout
        let use = ConnectionUse<Result>()
        // The work runs in a task of its own, which a wedged statement may never let finish:
        // the caller is answered by whichever comes first, the work or the deadline.
        let work = Task {
            do {
                let result = try await client.withConnection { connection in
                    use.leased(connection)
                    return try await body(connection)
                }
                use.finish(.success(result))
            } catch {
                use.finish(.failure(PostgreSQLFailure.wrapping(error, server: server)))
            }
        }
        let deadline = Task {
            try await Task.sleep(for: leaseTimeout)
            guard let connection = use.connection else {
                work.cancel()
                use.finish(.failure(DatabaseUnavailable("PostgreSQL at \(server) is unreachable: no connection within \(leaseTimeout)")))
                return
            }
            guard let limit else { return }
            try await Task.sleep(for: limit)
            use.finish(.failure(DatabaseUnavailable("PostgreSQL at \(server) did not answer within \(limit); its connection was closed")))
            try? await connection.close()
        }
        defer { deadline.cancel() }
        return try await withTaskCancellationHandler {
            try await use.outcome()
        } onCancel: {
            work.cancel()
        }
    }

    /// How long one use of a connection may take by default: far more than any statement of
    /// the service needs (they read aggregates or write small batches).
    package static let statementLimit: Duration = .seconds(30)

    /// Runs `body` in a transaction on a pooled connection: committed when it returns, rolled
    /// back when it throws.
    package func withTransaction<Result: Sendable>(
        runningAtMost limit: Duration? = PostgreSQLDatabase.statementLimit,
        _ body: @escaping @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let logger = logger
        return try await withConnection(runningAtMost: limit) { connection in
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

/// One use of a pooled connection: the connection once leased, and the outcome, settled once
/// by the work or by the deadline, whichever comes first.
private final class ConnectionUse<Result: Sendable>: Sendable {
    private struct State {
        var connection: PostgresConnection?
        var outcome: Swift.Result<Result, any Error>?
        var waiting: CheckedContinuation<Result, any Error>?
    }

    private let state = Mutex(State())

    var connection: PostgresConnection? {
        state.withLock { $0.connection }
    }

    func leased(_ connection: PostgresConnection) {
        state.withLock { $0.connection = connection }
    }

    func finish(_ outcome: Swift.Result<Result, any Error>) {
        let waiting: CheckedContinuation<Result, any Error>? = state.withLock { state in
            guard state.outcome == nil else { return nil }
            state.outcome = outcome
            defer { state.waiting = nil }
            return state.waiting
        }
        waiting?.resume(with: outcome)
    }

    func outcome() async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            let settled: Swift.Result<Result, any Error>? = state.withLock { state in
                if let outcome = state.outcome { return outcome }
                state.waiting = continuation
                return nil
            }
            if let settled { continuation.resume(with: settled) }
        }
    }
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
