import Foundation

/// The visitor's most preferred language, from `Accept-Language` (RFC 9110 §12.5.4).
public enum AcceptLanguage {
    /// The primary subtag (lower-case) of the entry with the highest weight; the first of
    /// equal ones. `*` and entries weighted 0 are no preference.
    public static func mostPreferredPrimarySubtag(_ header: String) -> String? {
        var best: (subtag: String, weight: Double)?
        for entry in header.split(separator: ",") {
            let parts = entry.split(separator: ";")
            let range = parts.first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            var weight = 1.0
            for parameter in parts.dropFirst() {
                let pair = parameter.trimmingCharacters(in: .whitespaces)
                if pair.lowercased().hasPrefix("q="), let value = Double(pair.dropFirst(2)), (0...1).contains(value) { weight = value }
            }
            guard range != "*", weight > 0, let subtag = range.split(separator: "-").first.map(String.init), isPrimarySubtag(subtag) else { continue }
            if best == nil || weight > best!.weight { best = (subtag.lowercased(), weight) }
        }
        return best?.subtag
    }

    /// 2 to 8 ASCII letters (RFC 5646's primary language subtag, registered or private).
    public static func isPrimarySubtag(_ text: String) -> Bool {
        (2...8).contains(text.utf8.count) && text.utf8.allSatisfy { ($0 | 0x20) >= UInt8(ascii: "a") && ($0 | 0x20) <= UInt8(ascii: "z") }
    }
}
