import Foundation
import Storage

/// The key file `<data folder>/admin-keys`, used when no keys are configured.
package enum AdminKeyFile {
    /// Reads the key file, creating it (mode 0600 from the first byte) with a fresh key when it
    /// does not exist. Two first starts at once agree on one key: only one of them creates the
    /// file, the other reads it.
    /// - Returns: the keys and whether they were created just now.
    package static func loadOrCreate(at path: String) throws -> (keys: AdminKeySet, created: Bool) {
        if !FileManager.default.fileExists(atPath: path) {
            let keys = AdminKeySet.generate()
            try PrivateFile.createFolderIfMissing(URL(fileURLWithPath: path).deletingLastPathComponent())
            if try PrivateFile.createExclusively(atPath: path, contents: Data(keys.fileText.utf8)) {
                return (keys, true)
            }
        }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return (try AdminKeySet.parse(text, origin: path), false)
    }

    /// The configured keys, else those of the key file in the data folder.
    package static func keys(for configuration: AppConfiguration) throws -> (keys: AdminKeySet, created: Bool) {
        if let keys = configuration.adminKeys { return (keys, false) }
        guard let path = configuration.keyFilePath else {
            throw ConfigurationError(
                "with a shared database server, every instance must accept the same tokens: set CLICKTRAIL_ADMIN_KEYS "
                    + "(kid:base64secret, e.g. main:$(openssl rand -base64 32))")
        }
        return try loadOrCreate(at: path)
    }

    /// What to tell the operator when the key file can be read by other users of the machine.
    package static func exposureWarning(for configuration: AppConfiguration) -> String? {
        guard configuration.adminKeys == nil, let path = configuration.keyFilePath, PrivateFile.isOpenToOthers(atPath: path) else { return nil }
        return "the admin key file \(path) can be read by other users; anyone who reads it can mint tokens: chmod 600 it"
    }
}
