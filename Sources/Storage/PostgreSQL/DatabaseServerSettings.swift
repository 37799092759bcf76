import Foundation

/// A PostgreSQL server from a `postgres://user:password@host:port/database?sslmode=…` URL
/// (the libpq form): what the connection pool needs, and a description without the password.
package struct DatabaseServerSettings: Sendable, Equatable, CustomStringConvertible {
    package enum SSLMode: String, Sendable, CaseIterable {
        /// Plain TCP.
        case disable
        /// TLS when the server offers it, without checking its certificate (libpq's default).
        case prefer
        /// TLS or nothing, without checking the certificate.
        case require
        /// TLS with the certificate checked against the system's roots and the host name.
        case verifyFull = "verify-full"
    }

    package var host: String
    package var port: Int
    package var username: String
    package var password: String?
    package var database: String
    package var sslMode: SSLMode
    /// Shown in `pg_stat_activity`, so an operator can tell our connections from others.
    package var applicationName: String

    static func isServerURL(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    init(url text: String, passwordFile: String?) throws(DatabaseLocationError) {
        // Foundation's parser does the percent-decoding; a password with reserved characters
        // must be percent-encoded in the URL, as for libpq.
        guard let components = URLComponents(string: text), let host = components.host, !host.isEmpty else {
            throw DatabaseLocationError("CLICKTRAIL_DATABASE is not a usable postgres:// URL (expected postgres://user:password@host:5432/database)")
        }
        self.host = host
        port = components.port ?? 5432
        guard (1...65535).contains(port) else { throw DatabaseLocationError("CLICKTRAIL_DATABASE: port \(port) is not a port number") }
        username = components.user.flatMap { $0.isEmpty ? nil : $0 } ?? "postgres"
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = path.isEmpty ? username : path
        sslMode = .prefer
        applicationName = "clicktrail"
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let mode = item.value.flatMap(SSLMode.init(rawValue:)) else {
                    let modes = SSLMode.allCases.map(\.rawValue).joined(separator: ", ")
                    throw DatabaseLocationError("CLICKTRAIL_DATABASE: sslmode must be one of \(modes), not '\(item.value ?? "")'")
                }
                sslMode = mode
            case "application_name":
                applicationName = item.value ?? applicationName
            default:
                throw DatabaseLocationError("CLICKTRAIL_DATABASE: unknown parameter '\(item.name)' (known: sslmode, application_name)")
            }
        }
        password = components.password
        if let passwordFile {
            guard password == nil else {
                throw DatabaseLocationError("CLICKTRAIL_DATABASE has a password and CLICKTRAIL_DATABASE_PASSWORD_FILE is set: give it in one place")
            }
            guard let contents = try? String(contentsOfFile: passwordFile, encoding: .utf8) else {
                throw DatabaseLocationError("CLICKTRAIL_DATABASE_PASSWORD_FILE: cannot read '\(passwordFile)'")
            }
            // Files written by editors and `echo` end with a newline that is not part of the password.
            password = contents.trimmingCharacters(in: .newlines)
        }
    }

    /// The URL without the password: safe for logs, errors and command output.
    package var description: String {
        var components = URLComponents()
        components.scheme = "postgres"
        components.user = username
        components.host = host
        components.port = port
        components.path = "/" + database
        components.queryItems = [URLQueryItem(name: "sslmode", value: sslMode.rawValue)]
        return components.string ?? "postgres://\(host):\(port)/\(database)"
    }

    /// "host:port/database", for messages about reaching the server.
    var serverName: String {
        "\(host):\(port)/\(database)"
    }
}
