/// The public name of a link in `/go/<slug>`: `^[a-z0-9](?:[a-z0-9_-]{0,62})$`.
public enum Slug {
    public static let rule = "must match ^[a-z0-9][a-z0-9_-]{0,62}$ (lower-case letters, digits, '_' and '-', at most 63)"
    public static let maxLength = 63

    public static func isValid(_ candidate: String) -> Bool {
        let bytes = Array(candidate.utf8)
        guard let first = bytes.first, bytes.count <= maxLength, isLowerAlphanumeric(first) else {
            return false
        }
        return bytes.dropFirst().allSatisfy { isLowerAlphanumeric($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
    }

    private static func isLowerAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
