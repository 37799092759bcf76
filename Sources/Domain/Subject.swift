/// The opaque id a CMS gives a visitor or user (docs/architecture.md, "Privacy"): a GA client id, a session id, a user id.
public enum Subject {
    public static let maxLength = 128

    /// Why `text` cannot be a subject, or nil. An `@` is refused: subjects must not be e-mail
    /// addresses, and an opaque id never needs one.
    public static func problem(with text: String) -> String? {
        if text.isEmpty { return "must not be empty" }
        if text.unicodeScalars.count > maxLength { return "must be at most \(maxLength) characters" }
        if TextRules.containsControlCharacter(text) { return "must not contain control characters" }
        if text.contains("@") { return "must be an opaque id, not an e-mail address" }
        return nil
    }
}
