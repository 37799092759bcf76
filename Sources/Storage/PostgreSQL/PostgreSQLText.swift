/// PostgreSQL's text cannot hold the NUL character, and refuses a statement that binds one. No
/// stored value has it (every write is validated), so a lookup by such a text finds nothing: the
/// repositories answer so without asking, as SQLite would after looking.
enum PostgreSQLText {
    static func canBeStored(_ texts: String?...) -> Bool {
        texts.allSatisfy { text in text.map { !$0.utf8.contains(0) } ?? true }
    }
}
