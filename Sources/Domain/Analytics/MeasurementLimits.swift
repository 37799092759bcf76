import Foundation

/// The Measurement Protocol's limits (README, "Google Analytics 4 forwarding"; Google's "Measurement Protocol limitations" and
/// "Event collection limits"). GA silently drops what exceeds them, so payloads are fitted
/// before they are queued: values are truncated, names that GA would refuse are left out.
public enum MeasurementLimits {
    public static let maxEvents = 25
    public static let maxParamsPerEvent = 25
    public static let maxNameLength = 40
    public static let maxValueLength = 100
    /// GA refuses bodies of 130 kB and more.
    public static let maxBodyBytes = 130_000

    /// Event names GA reserves for its own use (Measurement Protocol reference, "Reserved names").
    static let reservedEventNames: Set<String> = [
        "ad_activeview", "ad_click", "ad_exposure", "ad_impression", "ad_query", "ad_reward", "adunit_exposure",
        "app_background", "app_clear_data", "app_exception", "app_remove", "app_store_refund",
        "app_store_subscription_cancel", "app_store_subscription_convert", "app_store_subscription_renew", "app_update",
        "app_upgrade", "dynamic_link_app_open", "dynamic_link_app_update", "dynamic_link_first_open", "error",
        "firebase_campaign", "firebase_in_app_message_action", "firebase_in_app_message_dismiss",
        "firebase_in_app_message_impression", "first_open", "first_visit", "in_app_purchase", "notification_dismiss",
        "notification_foreground", "notification_open", "notification_receive", "os_update", "session_start",
        "session_start_with_rollout", "user_engagement",
    ]
    static let reservedParamNames: Set<String> = ["firebase_conversion"]
    static let reservedPrefixes = ["google_", "ga_", "firebase_"]

    /// Letters, digits and underscores, starting with a letter, at most 40 characters.
    public static func isValidName(_ name: String) -> Bool {
        guard let first = name.utf8.first, isLetter(first), name.utf8.count <= maxNameLength else { return false }
        return name.utf8.allSatisfy { isLetter($0) || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: "_") }
            && !reservedPrefixes.contains(where: name.hasPrefix)
    }

    /// At most 100 characters, cut between characters, never inside one. Counted in UTF-16 code
    /// units, the strictest count GA might apply, so an emoji can never push a value over.
    public static func truncated(_ value: String) -> String {
        guard value.utf16.count > maxValueLength else { return value }
        var kept = 0
        var end = value.startIndex
        for index in value.indices {
            let width = value[index].utf16.count
            if kept + width > maxValueLength { break }
            kept += width
            end = value.index(after: index)
        }
        return String(value[..<end])
    }

    /// An event within limits, or nil when GA would refuse its name. Parameters with unusable
    /// names are left out, the first 25 of the rest are kept, string values are truncated.
    public static func event(name: String, params: [(String, MeasurementPayload.Value)]) -> MeasurementPayload.Event? {
        guard isValidName(name), !reservedEventNames.contains(name) else { return nil }
        var fitted: [String: MeasurementPayload.Value] = [:]
        for (paramName, value) in params
        where fitted.count < maxParamsPerEvent && isValidName(paramName) && !reservedParamNames.contains(paramName)
            && fitted[paramName] == nil
        {
            switch value {
            case .string(let text): fitted[paramName] = .string(truncated(text))
            case .integer: fitted[paramName] = value
            }
        }
        return MeasurementPayload.Event(name: name, params: fitted)
    }

    /// A payload within limits: at most 25 events, and no more of them than keep the body under
    /// 130 kB. Nil when not even one event fits (which the per-event limits make impossible).
    public static func payload(
        clientID: String, timestampMicros: Int64, consent: ConsentSignals, events: [MeasurementPayload.Event]
    ) -> MeasurementPayload? {
        var kept = Array(events.prefix(maxEvents))
        while !kept.isEmpty {
            let payload = MeasurementPayload(
                clientID: clientID, timestampMicros: timestampMicros, consent: .init(consent), events: kept)
            if let body = try? payload.encoded(), body.count < maxBodyBytes { return payload }
            kept.removeLast()
        }
        return nil
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
    }
}
