import Domain
import Foundation

/// Links as a file: the NDJSON and CSV that `GET /api/v1/links/export` writes and
/// `POST /api/v1/links/import` reads. Each line becomes the same JSON object the link API takes,
/// so every rule of a link applies to it unchanged.
enum LinkFile {
    /// The link JSON's members in the order CSV columns are written.
    static let columns = [
        "slug", "name", "url", "active", "redirect_status", "forward_query", "tags", "starts_at", "expires_at", "max_clicks",
        "expired_url", "destinations", "rules", "id", "click_count", "created_at", "updated_at", "state",
    ]
    private static let booleans: Set<String> = ["active", "forward_query"]
    private static let integers: Set<String> = ["redirect_status", "max_clicks", "id", "click_count"]
    private static let jsonCells: Set<String> = ["destinations", "rules"]
    /// `tags` are one cell, separated by this.
    static let tagSeparator: Character = ";"

    struct Line {
        var number: Int
        var object: [String: JSONValue]
    }

    struct LineError: Encodable, Equatable {
        var line: Int
        /// Null when the whole line is unreadable.
        @NullWhenAbsent var field: String?
        var message: String
    }

    struct Parsed {
        var lines: [Line] = []
        var errors: [LineError] = []
        /// Problems with the file as a whole (a CSV header naming no field): nothing can be read.
        var headerErrors: [LineError] = []
    }

    /// One JSON object a line; blank lines are skipped.
    static func ndjson(_ text: String) -> Parsed {
        var lines: [Line] = []
        var errors: [LineError] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let content = raw.hasSuffix("\r") ? raw.dropLast() : raw
            guard !content.allSatisfy({ $0 == " " || $0 == "\t" }) else { continue }
            guard case .object(let object)? = try? JSONValue.strict(Data(content.utf8)) else {
                errors.append(LineError(line: index + 1, field: nil, message: "must be one JSON object (RFC 8259)"))
                continue
            }
            lines.append(Line(number: index + 1, object: object))
        }
        return Parsed(lines: lines, errors: errors)
    }

    /// A header row of field names, then one link a record. An empty cell is an absent field.
    static func csv(_ text: String) -> Parsed {
        let records: [CSVText.Record]
        do {
            records = try CSVText.records(text)
        } catch {
            return Parsed(errors: [LineError(line: error.line, field: nil, message: "a quoted cell is never closed")])
        }
        guard let header = records.first else { return Parsed() }
        let names = header.cells.map { $0.trimmingCharacters(in: .whitespaces) }
        let headerErrors = names.filter { !columns.contains($0) }.map {
            LineError(line: header.line, field: $0, message: "is not a field of a link")
        }
        guard headerErrors.isEmpty else { return Parsed(headerErrors: headerErrors) }
        var errors: [LineError] = []
        var lines: [Line] = []
        for record in records.dropFirst() {
            guard record.cells.count == names.count else {
                errors.append(LineError(line: record.line, field: nil, message: "has \(record.cells.count) cells; the header has \(names.count)"))
                continue
            }
            var object: [String: JSONValue] = [:]
            for (name, raw) in zip(names, record.cells) where !raw.isEmpty {
                do {
                    object[name] = try value(of: CSVText.unguarded(raw), for: name)
                } catch {
                    errors.append(LineError(line: record.line, field: name, message: error.message))
                }
            }
            lines.append(Line(number: record.line, object: object))
        }
        return Parsed(lines: lines, errors: errors)
    }

    private struct CellError: Error {
        var message: String
    }

    private static func value(of cell: String, for name: String) throws(CellError) -> JSONValue {
        if booleans.contains(name) {
            switch cell.lowercased() {
            case "true": return .bool(true)
            case "false": return .bool(false)
            default: throw CellError(message: "must be true or false")
            }
        }
        if integers.contains(name) {
            guard let number = Int64(cell) else { throw CellError(message: "must be an integer") }
            return .number(Double(number))
        }
        if jsonCells.contains(name) {
            guard let value = try? JSONValue.strict(Data(cell.utf8)) else { throw CellError(message: "must be JSON (an array of objects)") }
            return value
        }
        if name == "tags" {
            return .array(cell.split(separator: tagSeparator).map { .string(String($0)) })
        }
        return .string(cell)
    }

    /// A link as one CSV record under `columns`: its JSON members written as the import reads them.
    static func csvRecord(_ link: LinkResponse, encoder: JSONEncoder) throws -> String {
        guard case .object(let members) = try JSONDecoder().decode(JSONValue.self, from: encoder.encode(link)) else { return "\r\n" }
        let cells = try columns.map { name throws -> String in
            switch members[name] ?? .null {
            case .null: return ""
            case .bool(let flag): return String(flag)
            case .number(let number): return String(Int64(number))
            case .string(let text): return text
            case .array(let tags) where name == "tags":
                return tags.compactMap { if case .string(let tag) = $0 { tag } else { nil } }.joined(separator: String(tagSeparator))
            case let value: return String(decoding: try encoder.encode(value), as: UTF8.self)
            }
        }
        return cells.map(CSVText.cell).joined(separator: ",") + "\r\n"
    }
}
