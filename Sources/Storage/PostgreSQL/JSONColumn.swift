/// One value of a row sent to `json_to_recordset` as a JSON object keyed by column name, for
/// rows whose column names are chosen at run time (a rollup's start column).
enum JSONColumn: Encodable {
    case int(Int64)
    case text(String)

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .int(let value): try container.encode(value)
        case .text(let value): try container.encode(value)
        }
    }
}
