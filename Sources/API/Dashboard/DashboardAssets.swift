import Foundation
import NIOCore

/// The dashboard's files, shipped inside the binary's resources and read once at start-up, so a
/// missing file fails there; nothing is fetched from anywhere else at run time.
struct DashboardAssets: Sendable {
    struct File: Sendable {
        var body: ByteBuffer
        var contentType: String
    }

    private let files: [String: File]

    init() throws {
        guard let folder = Bundle.module.url(forResource: "dashboard", withExtension: nil) else {
            throw CocoaError(.fileNoSuchFile)
        }
        var files: [String: File] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            let data = try Data(contentsOf: folder.appendingPathComponent(name))
            files[name] = File(body: ByteBuffer(bytes: data), contentType: Self.contentType(of: name))
        }
        self.files = files
    }

    subscript(name: String) -> File? { files[name] }

    private static func contentType(of name: String) -> String {
        switch name.split(separator: ".").last {
        case "html": "text/html; charset=utf-8"
        case "js": "text/javascript; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "svg": "image/svg+xml"
        default: "text/plain; charset=utf-8"
        }
    }
}
