import PostgresNIO

/// A statement PostgreSQL refused, described for an operator. postgres-nio's own description is
/// deliberately empty; this one keeps the server's message and SQLSTATE, never the bind values
/// or connection settings.
package struct PostgreSQLFailure: Error, CustomStringConvertible {
    package var sqlState: String?
    package var description: String

    /// SQLSTATE of a unique index's refusal.
    static let uniqueViolation = "23505"

    /// `error` as one of ours: `DatabaseUnavailable` when the server cannot be reached, else a
    /// `PostgreSQLFailure`; other errors (cancellation, our own) pass unchanged.
    static func wrapping(_ error: any Error, server: String) -> any Error {
        if let transaction = error as? PostgresTransactionError {
            // What went wrong inside the transaction matters, not that the transaction failed.
            let cause: (any Error)? = transaction.closureError ?? transaction.beginError ?? transaction.commitError
            return cause.map { wrapping($0, server: server) } ?? error
        }
        guard let error = error as? PSQLError else { return error }
        let sqlState = error.serverInfo?[.sqlState]
        if isUnreachable(error, sqlState: sqlState) {
            let reason = error.underlying.map { " (\($0))" } ?? ""
            return DatabaseUnavailable("PostgreSQL at \(server) is unreachable: \(error.code)\(reason)")
        }
        if error.code == .sslUnsupported {
            return PostgreSQLFailure(sqlState: nil, description: "PostgreSQL at \(server) does not offer TLS, which the URL's sslmode requires")
        }
        var text = "PostgreSQL at \(server): "
        if let message = error.serverInfo?[.message] {
            text += message
            if let detail = error.serverInfo?[.detail] { text += " (\(detail))" }
            if let sqlState { text += " [SQLSTATE \(sqlState)]" }
        } else {
            text += "\(error.code)"
            if let underlying = error.underlying { text += " (\(underlying))" }
        }
        return PostgreSQLFailure(sqlState: sqlState, description: text)
    }

    private static func isUnreachable(_ error: PSQLError, sqlState: String?) -> Bool {
        switch error.code {
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed:
            return true
        case .server:
            // Class 08 is "connection exception"; 57P01–57P03 are shutdowns and "cannot connect now".
            guard let sqlState else { return false }
            return sqlState.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(sqlState)
        default:
            return false
        }
    }
}
