import Foundation

/// Rows sent to PostgreSQL as one JSON array, unpacked by `json_to_recordset`: one bind for a
/// whole batch, with NULLs, which postgres-nio's array binds cannot carry.
enum JSONRows {
    static func encode(_ rows: some Encodable) throws -> String {
        String(decoding: try JSONEncoder().encode(rows), as: UTF8.self)
    }
}
