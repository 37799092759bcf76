import Foundation

/// Where the service keeps its data: a SQLite file on this machine, or a database server that
/// several instances share. Its description never contains a password, so it may be printed.
package enum DatabaseLocation: Sendable, Equatable, CustomStringConvertible {
    case file(String)
    case server(DatabaseServerSettings)

    package static let defaultFile = DatabaseLocation.file("./data/clicktrail.sqlite")

    /// `text` is a file path or a `postgres://` (or `postgresql://`) URL; `passwordFile` holds the
    /// server's password when the URL leaves it out.
    package static func parse(_ text: String, passwordFile: String? = nil) throws(DatabaseLocationError) -> DatabaseLocation {
        guard DatabaseServerSettings.isServerURL(text) else {
            guard passwordFile == nil else {
                throw DatabaseLocationError("CLICKTRAIL_DATABASE_PASSWORD_FILE is set, but CLICKTRAIL_DATABASE is a SQLite file, which has no password")
            }
            return .file(text)
        }
        return .server(try DatabaseServerSettings(url: text, passwordFile: passwordFile))
    }

    package var description: String {
        switch self {
        case .file(let path): path
        case .server(let settings): settings.description
        }
    }

    /// The SQLite file's path; nil for a server.
    package var filePath: String? {
        if case .file(let path) = self { return path }
        return nil
    }
}

/// A database location that cannot be used, in one line that never quotes a password.
package struct DatabaseLocationError: Error, CustomStringConvertible, Equatable {
    package var description: String

    init(_ description: String) {
        self.description = description
    }
}
