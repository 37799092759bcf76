import Foundation

/// The key file `<data folder>/admin-keys`, used when no keys are configured.
package enum AdminKeyFile {
    /// Reads the key file, creating it (mode 0600) with a fresh key when it does not exist.
    /// - Returns: the keys and whether they were created just now.
    package static func loadOrCreate(at path: String) throws -> (keys: AdminKeySet, created: Bool) {
        let manager = FileManager.default
        if manager.fileExists(atPath: path) {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            return (try AdminKeySet.parse(text, origin: path), false)
        }
        let keys = AdminKeySet.generate()
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try manager.createDirectory(atPath: folder, withIntermediateDirectories: true)
        // Created with 0600 from the start, so the secret is never readable by others, not even briefly.
        guard manager.createFile(atPath: path, contents: Data(keys.fileText.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw ConfigurationError("cannot create the admin key file \(path)")
        }
        return (keys, true)
    }

    /// The configured keys, else those of the key file in the data folder.
    package static func keys(for configuration: AppConfiguration) throws -> (keys: AdminKeySet, created: Bool) {
        if let keys = configuration.adminKeys { return (keys, false) }
        return try loadOrCreate(at: configuration.keyFilePath)
    }
}
