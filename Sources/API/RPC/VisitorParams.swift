import Domain

/// Parameters shared by the methods that report a visitor's hit: the GA client id and consent.
extension RPCParams {
    /// `<a>.<b>` as in the `_ga` cookie's last two parts (docs/architecture.md, "Consent").
    func gaClientID(_ name: String = "ga_client_id") throws(RPCError) -> String? {
        guard let text = try string(name) else { return nil }
        guard GACookies.isClientID(text) else {
            throw RPCError.invalidParams(field: name, "must be a GA client id such as 1234567890.1700000000")
        }
        return text
    }

    /// The GA session id as in the `_ga_<container>` cookie: a decimal number.
    func gaSessionID(_ name: String) throws(RPCError) -> Int64? {
        guard let text = try string(name) else { return nil }
        guard let id = GACookies.sessionID(text) else {
            throw RPCError.invalidParams(field: name, "must be a GA session id, a decimal number such as 1700000000")
        }
        return id
    }

    /// The visitor a call reports on: GA ids and the consent given in the call.
    func visitor(sessionParameter: String) throws(RPCError) -> GAVisitor {
        GAVisitor(
            clientID: try gaClientID(), sessionID: try gaSessionID(sessionParameter), explicitConsent: try explicitConsent())
    }

    /// Consent Mode signals by name; a signal not named is absent from the result.
    func consentChanges(_ name: String) throws(RPCError) -> [String: ConsentSignals.State]? {
        guard let members = try object(name) else { return nil }
        var changes: [String: ConsentSignals.State] = [:]
        for (signal, value) in members {
            guard ConsentSignals.names.contains(signal) else {
                throw RPCError.invalidParams(field: "\(name).\(signal)", "is not a Consent Mode signal (\(ConsentSignals.names.joined(separator: ", ")))")
            }
            guard case .string(let text) = value, let state = ConsentSignals.State(rawValue: text) else {
                throw RPCError.invalidParams(field: "\(name).\(signal)", "must be \"granted\" or \"denied\"")
            }
            changes[signal] = state
        }
        return changes
    }

    /// Consent given explicitly in a call: signals not named are denied.
    func explicitConsent(_ name: String = "consent") throws(RPCError) -> ConsentSignals? {
        guard let changes = try consentChanges(name) else { return nil }
        var signals = ConsentSignals.allDenied
        for (signal, state) in changes {
            signals[signal] = state
        }
        return signals
    }

    /// Lead parameters given as an object of query parameters: the ten standard ones and the
    /// configured custom tags; any other name is refused so a typo is not silently dropped.
    func leadParameters(_ name: String, customTags: Set<String>) throws(RPCError) -> LeadSource? {
        guard let members = try stringObject(name) else { return nil }
        if let unknown = members.keys.sorted().first(where: { !LeadSource.parameterNames.contains($0) && !customTags.contains($0) }) {
            throw RPCError.invalidParams(field: "\(name).\(unknown)", "is neither a lead parameter nor a configured custom tag")
        }
        return LeadSource(parameters: members.map { ($0.key, $0.value) }, customTags: customTags)
    }

    /// A free-text parameter: no control characters, at most `maxLength` characters.
    func text(_ name: String, maxLength: Int) throws(RPCError) -> String? {
        guard let text = try string(name) else { return nil }
        if TextRules.containsControlCharacter(text) { throw RPCError.invalidParams(field: name, "must not contain control characters") }
        if text.unicodeScalars.count > maxLength { throw RPCError.invalidParams(field: name, "must be at most \(maxLength) characters") }
        return text
    }
}
