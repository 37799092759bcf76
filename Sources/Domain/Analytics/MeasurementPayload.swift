import Foundation

/// A GA4 Measurement Protocol request body (README, "Google Analytics 4 forwarding"). Built only through `MeasurementLimits`,
/// so what is queued is always within the protocol's limits.
public struct MeasurementPayload: Sendable, Equatable, Encodable {
    public enum Value: Sendable, Equatable, Encodable {
        case string(String)
        case integer(Int64)

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .string(let text): try container.encode(text)
            case .integer(let number): try container.encode(number)
            }
        }
    }

    public struct Event: Sendable, Equatable, Encodable {
        public let name: String
        public let params: [String: Value]
    }

    /// The two advertising signals GA wants with a server-side event, in its upper-case spelling.
    public struct Consent: Sendable, Equatable, Encodable {
        public let adUserData: String
        public let adPersonalization: String

        public init(_ signals: ConsentSignals) {
            adUserData = signals.adUserData == .granted ? "GRANTED" : "DENIED"
            adPersonalization = signals.adPersonalization == .granted ? "GRANTED" : "DENIED"
        }

        enum CodingKeys: String, CodingKey {
            case adUserData = "ad_user_data"
            case adPersonalization = "ad_personalization"
        }
    }

    public let clientID: String
    /// When the hit happened: GA backdates the event to it (up to 72 hours).
    public let timestampMicros: Int64
    public let consent: Consent
    public let events: [Event]

    enum CodingKeys: String, CodingKey {
        case clientID = "client_id"
        case timestampMicros = "timestamp_micros"
        case consent
        case events
    }

    /// The body as sent. Keys are sorted so that the same event is always the same bytes.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}
