import Domain
import Foundation
import Hummingbird

/// A lead on the wire (SPEC §12); absent fields are `null`, `custom` is always an object.
struct LeadResponse: ResponseEncodable {
    var lead: Lead

    init(_ lead: Lead) {
        self.lead = lead
    }

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(lead.id, forKey: Key("id"))
        try container.encode(lead.subject, forKey: Key("subject"))
        for (name, value) in zip(LeadSource.parameterNames, lead.source.values) {
            try container.encode(value, forKey: Key(name))
        }
        try container.encode(lead.source.custom, forKey: Key("custom"))
        try container.encode(lead.landingPath, forKey: Key("landing_path"))
        try container.encode(Timestamp.format(lead.createdAt), forKey: Key("created_at"))
    }
}
