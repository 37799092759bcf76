/// Character rules shared by every stored text field.
public enum TextRules {
    /// C0 controls, DEL and C1 controls: none of them belongs in a name, a URL or a header.
    public static func containsControlCharacter(_ text: String) -> Bool {
        text.unicodeScalars.contains { scalar in
            scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
        }
    }
}
