import Domain
import Foundation
import NIOCore

/// The exported row (openapi.yaml): one list of columns, written as NDJSON objects or as CSV lines
/// under a header of the same names.
enum ClickExportRows {
    static let columns = ["id", "slug", "occurred_at", "referer", "referer_class", "counted", "reason"]
        + LeadSource.parameterNames + ["custom", "ga_status", "rule", "destination"]

    enum Value: Encodable {
        case integer(Int64)
        case text(String)
        case boolean(Bool)
        case null
        case object([String: String])

        func encode(to encoder: any Encoder) throws {
            switch self {
            case .integer(let value): try value.encode(to: encoder)
            case .text(let value): try value.encode(to: encoder)
            case .boolean(let value): try value.encode(to: encoder)
            case .null:
                var container = encoder.singleValueContainer()
                try container.encodeNil()
            case .object(let value): try value.encode(to: encoder)
            }
        }
    }

    /// The values of `click` in the order of `columns`.
    static func values(_ click: LoggedClick) -> [Value] {
        var values: [Value] = [
            .integer(click.id), .text(click.slug), .text(Timestamp.format(click.occurredAt)),
            click.referer.map(Value.text) ?? .null, .text(click.refererClass.rawValue), .boolean(click.counted),
            .text(click.reason.rawValue),
        ]
        values += LeadParameter.allCases.map { click.leadSource[$0].map(Value.text) ?? .null }
        values += [.object(click.leadSource.custom), .text(click.gaStatus.rawValue)]
        values += [click.rule.map { .integer(Int64($0)) } ?? .null, click.destination.map { .integer(Int64($0)) } ?? .null]
        return values
    }

    private struct NDJSONLine: Encodable {
        var values: [Value]

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: JSONKey.self)
            for (name, value) in zip(ClickExportRows.columns, values) { try container.encode(value, forKey: JSONKey(name)) }
        }
    }

    /// Sorted keys: JSON objects are unordered, and this encoder's own order is a hash order that
    /// would differ between equal rows.
    static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    static func writeNDJSON(_ clicks: [LoggedClick], encoder: JSONEncoder, into buffer: inout ByteBuffer) throws {
        for click in clicks {
            buffer.writeBytes(try encoder.encode(NDJSONLine(values: values(click))))
            buffer.writeInteger(UInt8(ascii: "\n"))
        }
    }

    static var csvHeader: String {
        columns.joined(separator: ",") + "\r\n"
    }

    /// RFC 4180 lines. A text cell that a spreadsheet would run as a formula (it starts with
    /// `=`, `+`, `-`, `@`, tab or carriage return: OWASP's CSV injection list) gets a leading `'`;
    /// the NDJSON export carries such values unchanged.
    static func writeCSV(_ clicks: [LoggedClick], encoder: JSONEncoder, into buffer: inout ByteBuffer) throws {
        for click in clicks {
            let cells = try values(click).map { value throws -> String in
                switch value {
                case .integer(let number): String(number)
                case .boolean(let flag): flag ? "true" : "false"
                case .null: ""
                case .text(let text): CSVText.cell(text)
                case .object(let custom):
                    custom.isEmpty ? "" : CSVText.cell(String(decoding: try encoder.encode(custom), as: UTF8.self))
                }
            }
            buffer.writeString(cells.joined(separator: ","))
            buffer.writeString("\r\n")
        }
    }
}
