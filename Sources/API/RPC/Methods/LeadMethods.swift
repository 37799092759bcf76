import Domain
import Foundation

/// `leads.capture`, `leads.assign`, `leads.erase`: where visitors came from, per subject.
struct LeadMethods {
    let leads: any LeadRepository
    let customTags: Set<String>

    /// A caller's own `custom` object is bounded so one lead cannot grow without limit.
    static let maxCustomMembers = 32
    static let maxCustomNameLength = 64

    var methods: [RPCMethod] {
        [
            RPCMethod("leads.capture", parameters: ["subject", "url", "params", "custom"], handler: capture),
            RPCMethod("leads.assign", parameters: ["from", "to"], handler: assign),
            RPCMethod("leads.erase", parameters: ["subject"], handler: erase),
        ]
    }

    struct Captured: Encodable, Sendable { var id: Int64 }
    struct Moved: Encodable, Sendable { var moved: Int }
    struct Deleted: Encodable, Sendable { var deleted: Int }

    /// The landing URL's lead parameters and custom tags, overridden by those given in `params`;
    /// `custom` is the URL's (and `params`') custom tags with the caller's `custom` object on top.
    @Sendable func capture(_ params: RPCParams) async throws -> any Encodable & Sendable {
        let subject = try params.subject("subject")
        var source = LeadSource()
        var landingPath: String?
        if let url = try params.string("url") {
            guard let components = URLComponents(string: url), components.scheme == "http" || components.scheme == "https",
                components.host?.isEmpty == false
            else {
                throw RPCError.invalidParams(field: "url", "must be an absolute http or https URL")
            }
            source = LeadSource(query: Substring(components.percentEncodedQuery ?? ""), customTags: customTags)
            let path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
            landingPath = try? PagePath.normalized(path)
        }
        if let given = try params.leadParameters("params", customTags: customTags) {
            for parameter in LeadParameter.allCases where given[parameter] != nil {
                source[parameter] = given[parameter]
            }
            source.custom.merge(given.custom) { _, given in given }
        }
        if let custom = try params.stringObject("custom") {
            source.custom.merge(try Self.checkedCustom(custom)) { _, given in given }
        }
        guard params.value("url") != nil || params.value("params") != nil else {
            throw RPCError.invalidParams(field: "url", "url or params is required")
        }
        let draft: LeadDraft
        do {
            draft = try LeadDraft.validated(subject: subject, source: source, landingPath: landingPath)
        } catch {
            throw RPCError.invalidParams(error)
        }
        return Captured(id: try await leads.capture(draft, at: Date()).id)
    }

    @Sendable func assign(_ params: RPCParams) async throws -> any Encodable & Sendable {
        let from = try params.subject("from")
        let to = try params.subject("to")
        return Moved(moved: try await leads.assign(from: from, to: to))
    }

    @Sendable func erase(_ params: RPCParams) async throws -> any Encodable & Sendable {
        Deleted(deleted: try await leads.erase(subject: try params.subject("subject")))
    }

    private static func checkedCustom(_ custom: [String: String]) throws(RPCError) -> [String: String] {
        guard custom.count <= maxCustomMembers else {
            throw RPCError.invalidParams(field: "custom", "must have at most \(maxCustomMembers) members")
        }
        var cleaned: [String: String] = [:]
        for (name, value) in custom {
            guard !name.isEmpty, name.count <= maxCustomNameLength, !TextRules.containsControlCharacter(name) else {
                throw RPCError.invalidParams(field: "custom", "member names must be 1 to \(maxCustomNameLength) characters without control characters")
            }
            if let value = LeadSource.clean(value) { cleaned[name] = value }
        }
        return cleaned
    }
}
