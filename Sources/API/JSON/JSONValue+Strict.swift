import Foundation

extension JSONValue {
    /// Parses an RFC 8259 JSON text, refusing the one extension Foundation's decoder accepts:
    /// a trailing comma before `]` or `}`. A client relying on it would break on any other server.
    package static func strict(_ data: Data) throws(NotStrictJSON) -> JSONValue {
        guard !hasTrailingComma(data), let value = try? JSONDecoder().decode(JSONValue.self, from: data) else {
            throw NotStrictJSON()
        }
        return value
    }

    /// Whether a `,` is followed (after white space) by `]` or `}` outside a string. Only called on
    /// text the decoder then parses, so anything else malformed is its to refuse.
    private static func hasTrailingComma(_ data: Data) -> Bool {
        var inString = false
        var escaped = false
        var afterComma = false
        for byte in data {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                continue
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                if afterComma { return true }
            case UInt8(ascii: "\""):
                inString = true
            default:
                break
            }
            afterComma = byte == UInt8(ascii: ",")
        }
        return false
    }
}

/// The body is not RFC 8259 JSON.
package struct NotStrictJSON: Error {}
