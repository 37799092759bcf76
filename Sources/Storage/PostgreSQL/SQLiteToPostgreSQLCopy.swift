import Foundation
import GRDB
import PostgresNIO

/// Moves a SQLite database's history into an empty PostgreSQL database (`clicktrail copy-data`):
/// every table, in batches, inside one PostgreSQL transaction (a failed copy leaves the target
/// empty, ready for another try), read from one SQLite snapshot (a service still writing to
/// the file does not tear the copy). Then both sides are counted table by table.
package enum SQLiteToPostgreSQLCopy {
    /// One table: its key (the copy's order and keyset), and the columns whose sums must agree.
    struct Table {
        var name: String
        var key: [String]
        var sums: [String]
    }

    /// Parents before children, so every foreign key finds its row. The outbox's per-state
    /// counts are not copied: its triggers rebuild them as events arrive, and they are checked.
    static let tables = [
        Table(name: "link", key: ["id"], sums: ["click_count"]),
        Table(name: "click", key: ["id"], sums: []),
        Table(name: "click_bucket", key: ["link_id", "bucket_start", "reason", "referer_class"], sums: ["hits"]),
        Table(name: "click_day", key: ["link_id", "day_start"], sums: ["counted", "hits"]),
        Table(name: "click_hour", key: ["link_id", "hour_start"], sums: ["counted", "hits"]),
        Table(name: "click_week", key: ["link_id", "week_start"], sums: ["counted", "hits"]),
        Table(name: "site_bucket", key: ["bucket_start", "reason", "referer_class"], sums: ["hits"]),
        Table(name: "page_hour", key: ["path", "hour_start"], sums: ["views", "clicks"]),
        Table(name: "page_day", key: ["path", "day_start"], sums: ["views", "clicks"]),
        Table(name: "click_referer_bucket", key: ["link_id", "bucket_start", "path"], sums: ["counted"]),
        Table(name: "click_source_bucket", key: ["link_id", "bucket_start", "utm_source", "utm_medium", "utm_campaign"], sums: ["counted"]),
        Table(name: "click_route_bucket", key: ["link_id", "bucket_start", "kind", "route_index"], sums: ["counted", "hits"]),
        Table(name: "lead", key: ["id"], sums: []),
        Table(name: "consent_log", key: ["id"], sums: []),
        Table(name: "pageview_bucket", key: ["path", "bucket_start"], sums: ["views"]),
        Table(name: "ga_outbox", key: ["id"], sums: ["attempts"]),
    ]
    static let checkedOnly = Table(name: "ga_outbox_state_count", key: ["state"], sums: ["events"])

    /// What was compared for one table after the copy.
    package struct Check: Sendable, Equatable, CustomStringConvertible {
        package var table: String
        /// Row count and each summed column, from SQLite and from PostgreSQL.
        package var source: [String: Int64]
        package var target: [String: Int64]

        package var matches: Bool { source == target }

        package var description: String {
            let figures = source.keys.sorted().map { key in
                let (left, right) = (source[key] ?? 0, target[key] ?? 0)
                return left == right ? "\(key) \(left)" : "\(key) \(left) ≠ \(right)"
            }
            return "\(table): \(figures.joined(separator: ", ")) — \(matches ? "identical" : "DIFFERENT")"
        }
    }

    package struct TargetNotEmpty: Error, CustomStringConvertible {
        package var description: String
    }

    /// Copies everything from the SQLite file at `path` into `target`, then checks both.
    package static func run(
        from path: String, to target: PostgreSQLDatabase, batchSize: Int = 5_000, progress: @escaping @Sendable (String) -> Void
    ) async throws -> [Check] {
        guard FileManager.default.fileExists(atPath: path) else { throw BackupError("no database at \(path)") }
        // Opening applies pending migrations, so the source has the schema this version copies.
        let source = try AppDatabase.open(path: path)
        guard let pool = source.writer as? DatabasePool else { throw BackupError("\(path) is not a database file") }
        let snapshot = try pool.makeSnapshot()
        let logger = target.logger
        try await target.withTransaction(runningAtMost: nil) { connection in
            let filled = try await occupiedTables(connection, logger: logger)
            guard filled.isEmpty else {
                throw TargetNotEmpty(description: """
                    \(target.settings) already holds data (\(filled.joined(separator: ", "))): copy-data only fills an empty \
                    database, so nothing was copied
                    """)
            }
            for table in tables {
                try await copy(table, from: snapshot, to: connection, batchSize: batchSize, logger: logger, progress: progress)
            }
            for table in tables where table.key == ["id"] {
                // The next id after the copied ones, as SQLite would have given it.
                try await connection.execute(
                    PostgresQuery(unsafeSQL: """
                        SELECT setval(pg_get_serial_sequence('\(table.name)', 'id'), COALESCE((SELECT MAX(id) FROM \(table.name)), 0) + 1, false)
                        """), logger: logger)
            }
        }
        var checks: [Check] = []
        for table in tables + [checkedOnly] {
            let figures = ["rows": "COUNT(*)"].merging(Dictionary(uniqueKeysWithValues: table.sums.map { ($0, "SUM(\($0))") })) { $1 }
            let select = figures.keys.sorted().map { "COALESCE(\(figures[$0]!), 0) AS \($0)" }.joined(separator: ", ")
            let sql = "SELECT \(select) FROM \(table.name)"
            let sourceFigures = try await snapshot.read { db -> [String: Int64] in
                let row = try Row.fetchOne(db, sql: sql)
                return Dictionary(uniqueKeysWithValues: figures.keys.map { ($0, row?[$0] ?? 0) })
            }
            let targetFigures = try await target.withConnection { connection in
                try await connection.rows(PostgresQuery(unsafeSQL: sql.replacingOccurrences(of: "AS ", with: "::bigint AS ")), logger: logger) { row in
                    Dictionary(uniqueKeysWithValues: try figures.keys.map { ($0, try row[$0].decode(Int64.self)) })
                }.first ?? [:]
            }
            checks.append(Check(table: table.name, source: sourceFigures, target: targetFigures))
        }
        return checks
    }

    private static func occupiedTables(_ connection: PostgresConnection, logger: Logger) async throws -> [String] {
        var filled: [String] = []
        for table in tables {
            let rows = try await connection.rows(PostgresQuery(unsafeSQL: "SELECT EXISTS (SELECT 1 FROM \(table.name)) AS filled"), logger: logger) {
                try $0["filled"].decode(Bool.self)
            }
            if rows.first == true { filled.append(table.name) }
        }
        return filled
    }

    private static func copy(
        _ table: Table, from snapshot: DatabaseSnapshot, to connection: PostgresConnection, batchSize: Int, logger: Logger,
        progress: @escaping @Sendable (String) -> Void
    ) async throws {
        // The target's column types say how SQLite's loose values become PostgreSQL's: 0/1 as
        // booleans, JSON text as jsonb, blobs (the outbox's payloads) as text.
        let columns = try await connection.rows(
            """
            SELECT column_name::text AS name, data_type::text AS type FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = \(table.name) ORDER BY ordinal_position
            """, logger: logger
        ) { (name: try $0["name"].decode(String.self), type: try $0["type"].decode(String.self)) }
        let names = columns.map(\.name).joined(separator: ", ")
        let insert = """
            INSERT INTO \(table.name) (\(names))
            SELECT \(columns.map { "\($0.name)::\($0.type)" }.joined(separator: ", "))
            FROM unnest(\(PostgresBindings.placeholders(columns.count))) AS t(\(names))
            """
        let total = try await snapshot.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table.name)") ?? 0 }
        let keyList = table.key.joined(separator: ", ")
        var after: [DatabaseValue]? = nil
        var copied = 0
        var reportedTenth = -1
        while true {
            let position = after
            let rows = try await snapshot.read { db -> [Row] in
                if let position {
                    let placeholders = position.map { _ in "?" }.joined(separator: ", ")
                    return try Row.fetchAll(
                        db, sql: "SELECT * FROM \(table.name) WHERE (\(keyList)) > (\(placeholders)) ORDER BY \(keyList) LIMIT ?",
                        arguments: StatementArguments(position + [batchSize.databaseValue]))
                }
                return try Row.fetchAll(db, sql: "SELECT * FROM \(table.name) ORDER BY \(keyList) LIMIT ?", arguments: [batchSize])
            }
            guard let last = rows.last else { break }
            var binds = PostgresBindings()
            for column in columns {
                try bind(rows.map { $0[column.name] as DatabaseValue }, type: column.type, column: "\(table.name).\(column.name)", to: &binds)
            }
            try await connection.execute(PostgresQuery(unsafeSQL: insert, binds: binds), logger: logger)
            copied += rows.count
            after = table.key.map { last[$0] as DatabaseValue }
            let tenth = total == 0 ? 10 : copied * 10 / total
            if tenth > reportedTenth {
                reportedTenth = tenth
                progress("\(table.name): \(copied) of \(total) rows")
            }
            if rows.count < batchSize { break }
        }
        if copied == 0 { progress("\(table.name): empty") }
    }

    /// Binds one column of a batch as the array `unnest` reads, of the target column's kind (the
    /// SELECT casts it to the exact type, integer or jsonb). Throws for a value the type cannot
    /// hold, rather than copy it as NULL.
    private static func bind(_ values: [DatabaseValue], type: String, column: String, to binds: inout PostgresBindings) throws {
        func append<Value: PostgresArrayEncodable>(_ convert: (DatabaseValue.Storage) -> Value?) throws {
            try binds.append(NullableArray<Value>(elements: try values.map { value -> Value? in
                if value.isNull { return nil }
                guard let converted = convert(value.storage) else {
                    throw BackupError("\(column) holds \(value), which a PostgreSQL \(type) column cannot hold: nothing was copied")
                }
                return converted
            }))
        }
        switch type {
        case "bigint", "integer", "smallint":
            try append { storage -> Int64? in
                switch storage {
                case .int64(let number): number
                case .string(let text): Int64(text)
                case .null, .double, .blob: nil
                }
            }
        case "boolean":
            try append { storage -> Bool? in
                guard case .int64(let number) = storage else { return nil }
                return number != 0
            }
        case "double precision", "real":
            try append { storage -> Double? in
                switch storage {
                case .int64(let number): Double(number)
                case .double(let number): number
                case .string(let text): Double(text)
                case .null, .blob: nil
                }
            }
        default:
            // Text and jsonb; blobs are the outbox's payloads, which are UTF-8 JSON.
            try append { storage -> String? in
                switch storage {
                case .int64(let number): String(number)
                case .double(let number): String(number)
                case .string(let text): text
                case .blob(let data): String(decoding: data, as: UTF8.self)
                case .null: nil
                }
            }
        }
    }
}
