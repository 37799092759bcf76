import Foundation
import Testing

/// The API layer is built from the storage seam alone, so a second backend plugs in at one
/// place (docs/architecture.md, "Layers").
@Suite struct LayeringTests {
    @Test func theAPILayerNamesNoStorageBackend() throws {
        let api = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/API")
        let files = try #require(FileManager.default.enumerator(at: api, includingPropertiesForKeys: nil))
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" }
        #expect(files.count > 40)
        for file in files {
            let code = try String(contentsOf: file, encoding: .utf8).split(separator: "\n")
                .filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("//") }
            let named = code.filter { $0.contains("import GRDB") || $0.contains("SQLite") || $0.contains("Postgres") || $0.contains("AppDatabase") }
            #expect(named.isEmpty, "\(file.lastPathComponent): \(named)")
        }
    }
}
