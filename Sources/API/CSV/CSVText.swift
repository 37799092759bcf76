import Foundation

/// RFC 4180 text as the exports write it and the link import reads it.
enum CSVText {
    /// A cell a spreadsheet would run as a formula starts with one of these (OWASP's CSV
    /// injection list); written with a leading `'`, which the import takes off again.
    private static let formulaStarts: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r"]
    private static let needsQuotes: Set<Unicode.Scalar> = [",", "\"", "\r", "\n"]

    static func cell(_ text: String) -> String {
        var cell = text
        if let first = cell.unicodeScalars.first, formulaStarts.contains(first) { cell = "'" + cell }
        guard cell.unicodeScalars.contains(where: needsQuotes.contains) else { return cell }
        return "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A cell as it was before `cell(_:)` guarded it against formulas.
    static func unguarded(_ cell: String) -> String {
        var scalars = cell.unicodeScalars.makeIterator()
        guard scalars.next() == "'", let second = scalars.next(), formulaStarts.contains(second) else { return cell }
        return String(cell.dropFirst())
    }

    struct Record {
        /// The line the record starts on, counting from 1.
        var line: Int
        var cells: [String]
    }

    struct UnterminatedQuote: Error {
        var line: Int
    }

    /// The records of `text`, lines ending in CRLF or LF; quoted cells may hold commas, doubled
    /// quotes and line breaks. Blank lines are skipped.
    static func records(_ text: String) throws(UnterminatedQuote) -> [Record] {
        var records: [Record] = []
        var cells: [String] = []
        var cell = ""
        var quoted = false
        var line = 1
        var recordLine = 1
        var scalars = text.unicodeScalars.makeIterator()
        var pending = scalars.next()
        func endRecord() {
            cells.append(cell)
            if !(cells.count == 1 && cells[0].isEmpty) { records.append(Record(line: recordLine, cells: cells)) }
            cells = []
            cell = ""
        }
        while let scalar = pending {
            pending = scalars.next()
            if scalar == "\n" { line += 1 }
            if quoted {
                if scalar == "\"" {
                    if pending == "\"" {
                        cell.unicodeScalars.append("\"")
                        pending = scalars.next()
                    } else {
                        quoted = false
                    }
                } else {
                    cell.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"": quoted = true
            case ",":
                cells.append(cell)
                cell = ""
            case "\r" where pending == "\n":
                break
            case "\n":
                endRecord()
                recordLine = line
            default: cell.unicodeScalars.append(scalar)
            }
        }
        if quoted { throw UnterminatedQuote(line: recordLine) }
        if !cell.isEmpty || !cells.isEmpty { endRecord() }
        return records
    }
}
