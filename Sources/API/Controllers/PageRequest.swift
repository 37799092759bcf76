import Hummingbird

/// The cursor pagination parameters of every list (openapi.yaml): `limit` (default 50, at most 500)
/// and an opaque `cursor` taken from the previous page's `next_cursor`.
struct PageRequest {
    static let defaultLimit = 50
    static let maxLimit = 500

    var limit: Int
    var after: Int64?

    init(query: [String: String]) throws(Problem) {
        if let text = query["limit"] {
            guard let value = Int(text), (1...Self.maxLimit).contains(value) else {
                throw Problem.badRequest("limit must be an integer from 1 to \(Self.maxLimit)")
            }
            limit = value
        } else {
            limit = Self.defaultLimit
        }
        if let cursor = query["cursor"] {
            guard let key = Self.decode(cursor) else {
                throw Problem.badRequest("cursor is not one this server issued; pass next_cursor unchanged")
            }
            after = key
        }
    }

    /// Cursors are opaque to clients (the contract says: pass `next_cursor` unchanged); the version
    /// prefix lets the keyset behind them change later without misreading old ones.
    static func encode(_ after: Int64?) -> String? {
        after.map { "v1.\($0)" }
    }

    private static func decode(_ cursor: String) -> Int64? {
        guard cursor.hasPrefix("v1."), let key = Int64(cursor.dropFirst(3)), key >= 0 else { return nil }
        return key
    }
}
