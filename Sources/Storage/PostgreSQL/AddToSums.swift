import Foundation
import Logging
import PostgresNIO

extension PostgresConnection {
    /// Adds `rows` (JSON objects of `columns`, their types as in `json_to_recordset`) to the sums
    /// of `table`: a row whose `key` exists adds its `add` columns to the stored ones, others are
    /// inserted. One statement, rows in the given order, so callers that sort their keys take the
    /// row locks in one order and concurrent writers cannot deadlock.
    func addToSums(
        _ rows: [some Encodable], into table: String, columns: String, key: String, add: [String], logger: Logger
    ) async throws {
        guard !rows.isEmpty else { return }
        let names = columns.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).split(separator: " ")[0] }.joined(separator: ", ")
        let sums = add.map { "\($0) = \(table).\($0) + excluded.\($0)" }.joined(separator: ", ")
        try await execute(
            """
            INSERT INTO \(unescaped: table) (\(unescaped: names))
            SELECT \(unescaped: names) FROM ROWS FROM (json_to_recordset(\(try JSONRows.encode(rows))::json) AS (\(unescaped: columns)))
                WITH ORDINALITY AS t(\(unescaped: names), position)
            ORDER BY position
            ON CONFLICT (\(unescaped: key)) DO UPDATE SET \(unescaped: sums)
            """, logger: logger)
    }
}
