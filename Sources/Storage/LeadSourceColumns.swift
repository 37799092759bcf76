import Domain
import Foundation
import GRDB
import PostgresNIO

/// The lead columns shared by `click` and `lead`: one per `LeadParameter`, named by its raw
/// value, then `custom` as a JSON object.
enum LeadSourceColumns {
    static let names = LeadSource.parameterNames + ["custom"]

    /// The values of `names`, in order.
    static func values(_ source: LeadSource) -> [String?] {
        LeadParameter.allCases.map { source[$0] } + [customJSON(source.custom)]
    }

    static func arguments(_ source: LeadSource) -> StatementArguments {
        StatementArguments(values(source))
    }

    /// NULL when there are no custom tags, so rows without them stay small.
    static func customJSON(_ custom: [String: String]) -> String? {
        guard !custom.isEmpty, let data = try? JSONEncoder.sortedKeys.encode(custom) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    static func source(from row: Row) -> LeadSource {
        var source = LeadSource()
        for parameter in LeadParameter.allCases {
            source[parameter] = row[parameter.rawValue]
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


extension LeadSourceColumns {
    /// The values of `names`, in order, as PostgreSQL binds.
    static func append(_ source: LeadSource, to binds: inout PostgresBindings) {
        for value in values(source) {
            binds.append(value)
        }
    }

    static func source(from row: PostgresRandomAccessRow) throws -> LeadSource {
        var source = LeadSource()
        for parameter in LeadParameter.allCases {
            source[parameter] = try row[parameter.rawValue].decode(String?.self)
        }
        if let json = try row["custom"].decode(String?.self), let custom = try? JSONDecoder().decode([String: String].self, from: Data(json.utf8)) {
            source.custom = custom
        }
        return source
    }
}
