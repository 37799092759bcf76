import Domain
import Foundation
import Hummingbird

/// A lead on the wire; absent fields are `null`, `custom` is always an object.
struct LeadResponse: ResponseEncodable {
    var lead: Lead

    init(_ lead: Lead) {
        self.lead = lead
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: JSONKey.self)
        try container.encode(lead.id, forKey: JSONKey("id"))
        try container.encode(lead.subject, forKey: JSONKey("subject"))
        for parameter in LeadParameter.allCases {
            try container.encode(lead.source[parameter], forKey: JSONKey(parameter.rawValue))
        }
        try container.encode(lead.source.custom, forKey: JSONKey("custom"))
        try container.encode(lead.landingPath, forKey: JSONKey("landing_path"))
        try container.encode(Timestamp.format(lead.createdAt), forKey: JSONKey("created_at"))
    }
}
