import Foundation

/// RFC 7239 `Forwarded`: the `host=` of the first (client-side) element.
enum ForwardedHeader {
    static func host(in value: String) -> String? {
        let first = value.split(separator: ",").first ?? ""
        for pair in first.split(separator: ";") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2, parts[0].lowercased() == "host" {
                let host = parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                return host.isEmpty ? nil : host
            }
        }
        return nil
    }
}
