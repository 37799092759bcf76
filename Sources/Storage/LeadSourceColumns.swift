import Domain
import Foundation
import GRDB

/// The lead columns shared by `click` and `lead`: the ten parameters (`LeadSource.parameterNames`), then `custom` as a JSON object.
enum LeadSourceColumns {
    static func arguments(_ source: LeadSource) -> StatementArguments {
        StatementArguments(source.values) + [customJSON(source.custom)]
    }

    /// NULL when there are no custom tags, so rows without them stay small.
    static func customJSON(_ custom: [String: String]) -> String? {
        guard !custom.isEmpty, let data = try? JSONEncoder.sortedKeys.encode(custom) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    static func source(from row: Row) -> LeadSource {
        var source = LeadSource()
        for name in LeadSource.parameterNames {
            source[name] = row[name]
        }
        if let json: String = row["custom"], let custom = try? JSONDecoder().decode([String: String].self, from: Data(json.utf8)) {
            source.custom = custom
        }
        return source
    }
}

extension JSONEncoder {
    static let sortedKeys: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()
}
