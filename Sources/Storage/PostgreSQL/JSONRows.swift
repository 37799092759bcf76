import Foundation

/// Rows sent to PostgreSQL as one JSON array, unpacked by `json_to_recordset`: one bind for a
/// batch's few rows of mixed types (the click rows' many go as arrays, `ClickColumns`).
enum JSONRows {
    static func encode(_ rows: some Encodable) throws -> String {
        String(decoding: try JSONEncoder().encode(rows), as: UTF8.self)
    }
}
