import Foundation
import Logging
import Synchronization

/// `CLICKTRAIL_LOG_FORMAT=json`: one JSON object per line on standard output with `time`
/// (RFC 3339, UTC, milliseconds), `level`, `label`, `message`, `request_id` when the line
/// belongs to a request, and the remaining metadata under `metadata`. Log collectors (Loki,
/// CloudWatch, journald) then need no parsing rules.
package struct JSONLogHandler: LogHandler {
    package var metadata: Logger.Metadata = [:]
    package var logLevel: Logger.Level = .info
    package var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let write: @Sendable (String) -> Void

    /// `write` takes each finished line; the default writes to standard output.
    package init(label: String, write: @escaping @Sendable (String) -> Void = JSONLogHandler.standardOutput) {
        self.label = label
        self.write = write
    }

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    package func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        var object: [String: Any] = [
            "time": Timestamp.format(Date()), "level": event.level.rawValue, "label": label, "message": "\(event.message)",
        ]
        // Hummingbird names the request id `hb.request.id`; collectors group by one plain key.
        if let requestID = merged.removeValue(forKey: "hb.request.id") { object["request_id"] = Self.json(requestID) }
        if !merged.isEmpty { object["metadata"] = merged.mapValues(Self.json) }
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else {
            return
        }
        write(String(decoding: data, as: UTF8.self))
    }

    private static func json(_ value: Logger.Metadata.Value) -> Any {
        switch value {
        case .string(let text): text
        case .stringConvertible(let convertible): "\(convertible)"
        case .array(let values): values.map(json)
        case .dictionary(let values): values.mapValues(json)
        }
    }

    /// Whole lines under a lock, so lines of concurrent requests never interleave.
    private static let outputLock = Mutex(())

    package static let standardOutput: @Sendable (String) -> Void = { line in
        outputLock.withLock { _ in
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
        }
    }
}
