import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Files that hold secrets or visitors' data (admin keys, the database and its WAL, backups) are
/// readable by their owner only, from the moment they exist: created 0600, never chmod-ed later.
package enum PrivateFile {
    package static let mode: mode_t = 0o600

    /// Creates an empty 0600 file at `path` unless something is there; true when it created it.
    /// SQLite gives its WAL and shared-memory files the database file's mode, so one call covers them.
    @discardableResult
    package static func createIfMissing(atPath path: String) throws -> Bool {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        if descriptor >= 0 {
            close(descriptor)
            return true
        }
        if errno == EEXIST { return false }
        throw PrivateFileError(path: path, code: errno)
    }

    /// Writes `contents` as a new 0600 file at `path`, atomically and exclusively: the name appears
    /// with its whole content or not at all, and an existing file is never replaced.
    /// - Returns: false when `path` existed already (someone else created it first).
    package static func createExclusively(atPath path: String, contents: Data) throws -> Bool {
        let staging = path + ".\(UUID().uuidString).partial"
        guard try createIfMissing(atPath: staging) else { throw PrivateFileError(path: staging, code: EEXIST) }
        defer { unlink(staging) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: staging))
        try handle.write(contentsOf: contents)
        try handle.synchronize()
        try handle.close()
        // link(2) fails when the name is taken, unlike rename(2), which would replace it.
        if link(staging, path) == 0 { return true }
        if errno == EEXIST { return false }
        throw PrivateFileError(path: path, code: errno)
    }

    /// Makes `folder` (and its parents) when missing; a folder made here is the owner's only (0700).
    package static func createFolderIfMissing(_ folder: URL) throws {
        guard !FileManager.default.fileExists(atPath: folder.path) else { return }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    /// Whether the group or others may read or write the file at `path`.
    package static func isOpenToOthers(atPath path: String) -> Bool {
        var status = stat()
        guard stat(path, &status) == 0 else { return false }
        return status.st_mode & 0o077 != 0
    }
}

package struct PrivateFileError: Error, CustomStringConvertible {
    package var path: String
    package var code: Int32
    package var description: String { "cannot create \(path): \(String(cString: strerror(code)))" }
}
