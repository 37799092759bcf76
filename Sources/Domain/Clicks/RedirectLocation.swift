/// Builds the `Location` of a redirect from a stored, validated destination.
public enum RedirectLocation {
    /// `destination` with the `/go/` request's raw query appended when the link forwards it:
    /// after the destination's own query, before its fragment. Bytes that may not appear in a
    /// URL query are percent-encoded, so the header can never carry anything but a URL.
    public static func build(destination: String, forwardedQuery: String?) -> String {
        guard let query = forwardedQuery.map(sanitize), !query.isEmpty else { return destination }
        var base = Substring(destination)
        var fragment: Substring = ""
        if let hash = destination.firstIndex(of: "#") {
            base = destination[..<hash]
            fragment = destination[hash...]
        }
        let separator = !base.contains("?") ? "?" : (base.hasSuffix("?") || base.hasSuffix("&") ? "" : "&")
        return base + separator + query + fragment
    }

    /// RFC 3986 query characters pass; everything else is percent-encoded byte by byte.
    static func sanitize(_ query: String) -> String {
        var result = ""
        for byte in query.utf8 {
            if isQueryByte(byte) {
                result.append(Character(Unicode.Scalar(byte)))
            } else {
                result += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return result
    }

    private static func isQueryByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "-._~!$&'()*+,;=:@/?%".utf8.contains(byte)
        }
    }
}

extension String {
    fileprivate func leftPadded(to length: Int) -> String {
        String(repeating: "0", count: max(0, length - count)) + self
    }
}
