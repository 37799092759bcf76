/// The visitor's GA ids, read from the cookies gtag.js writes (docs/architecture.md, "Consent"). Nothing is invented:
/// a cookie that does not have the documented shape gives no id.
public enum GACookies {
    public static let clientCookieName = "_ga"

    /// `_ga` is `GA1.<domain depth>.<random>.<first visit, Unix seconds>`; GA's client id is the
    /// last two parts, `<random>.<seconds>`.
    public static func clientID(fromClientCookie value: String) -> String? {
        let parts = value.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0].hasPrefix("GA") else { return nil }
        let id = "\(parts[2]).\(parts[3])"
        return isClientID(id) ? id : nil
    }

    /// `<a>.<b>`, both decimal numbers: the form RPC callers give as `ga_client_id`.
    public static func isClientID(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 2 && parts.allSatisfy { isNumber($0, maxDigits: 20) }
    }

    /// The session cookie of a GA4 stream is `_ga_<measurement id without "G-">`.
    public static func sessionCookieName(measurementID: String) -> String {
        "_ga_" + (measurementID.hasPrefix("G-") ? String(measurementID.dropFirst(2)) : measurementID)
    }

    /// The session id from `_ga_<container>`, in either format gtag.js has written:
    /// `GS1.1.<session id>.<session count>.<engaged>.<last hit>…` and the newer
    /// `GS2.1.s<session id>$o<count>$g<engaged>$t<last hit>…`.
    public static func sessionID(fromSessionCookie value: String) -> Int64? {
        let parts = value.split(separator: ".", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3 else { return nil }
        let candidate: Substring
        switch parts[0] {
        case "GS1":
            candidate = parts[2].prefix { $0 != "." }
        case "GS2":
            let first = parts[2].prefix { $0 != "$" }
            guard first.hasPrefix("s") else { return nil }
            candidate = first.dropFirst()
        default:
            return nil
        }
        return sessionID(candidate)
    }

    /// A session id as RPC callers give it (`ga_session_id`): the decimal number of the cookie.
    public static func sessionID<S: StringProtocol>(_ text: S) -> Int64? {
        guard isNumber(Substring(text), maxDigits: 18) else { return nil }
        return Int64(text)
    }

    private static func isNumber(_ text: Substring, maxDigits: Int) -> Bool {
        !text.isEmpty && text.utf8.count <= maxDigits && text.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }
}
