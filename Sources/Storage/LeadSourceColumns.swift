import Domain
import Foundation
import GRDB

/// The lead columns shared by `click` and `lead`: the ten parameters (`LeadSource.parameterNames`), then `custom` as a JSON object.
enum LeadSourceColumns {
    static func arguments(_ source: LeadSource) -> StatementArguments {
        // An array literal, not `StatementArguments(source.values)`: GRDB's generic initialiser is
        // not specialised across modules and maps through a key path; it was a measurable share
        // of every click batch.
        [
            source.utmSource, source.utmMedium, source.utmCampaign, source.utmTerm, source.utmContent,
            source.gclid, source.aclk, source.msclkid, source.twclid, source.fbclid, customJSON(source.custom),
        ]
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
