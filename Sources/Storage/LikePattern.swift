/// Text searched for with LIKE, where `%` and `_` are wildcards.
enum LikePattern {
    /// Makes `%`, `_` and the escape character `\` itself match literally (backslash is
    /// PostgreSQL's default escape; SQLite's statements say `ESCAPE '\'`).
    static func escaped(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }
}
