import Domain
import Foundation

/// A call's parameters by name, positional ones already mapped to their names. The readers
/// throw `-32602` naming the parameter, so a client learns which one to fix.
package struct RPCParams: Sendable {
    let values: [String: JSONValue]

    /// `null` reads as absent, like an omitted optional parameter.
    func value(_ name: String) -> JSONValue? {
        switch values[name] {
        case nil, .null?: nil
        case let value?: value
        }
    }

    func string(_ name: String) throws(RPCError) -> String? {
        switch value(name) {
        case nil: return nil
        case .string(let text)?: return text
        default: throw RPCError.invalidParams(field: name, "must be a string")
        }
    }

    func requiredString(_ name: String) throws(RPCError) -> String {
        guard let text = try string(name) else { throw RPCError.invalidParams(field: name, "is required") }
        return text
    }

    func integer(_ name: String) throws(RPCError) -> Int? {
        switch value(name) {
        case nil: return nil
        case .number(let number)? where number.rounded() == number && abs(number) < 1e15: return Int(number)
        default: throw RPCError.invalidParams(field: name, "must be an integer")
        }
    }

    func object(_ name: String) throws(RPCError) -> [String: JSONValue]? {
        switch value(name) {
        case nil: return nil
        case .object(let members)?: return members
        default: throw RPCError.invalidParams(field: name, "must be an object")
        }
    }

    /// An object whose members are all strings, such as query parameters.
    func stringObject(_ name: String) throws(RPCError) -> [String: String]? {
        guard let members = try object(name) else { return nil }
        var strings: [String: String] = [:]
        for (key, value) in members {
            guard case .string(let text) = value else {
                throw RPCError.invalidParams(field: "\(name).\(key)", "must be a string")
            }
            strings[key] = text
        }
        return strings
    }

    /// An RFC 3339 timestamp (`2026-11-22T10:15:30.123Z`, fractional seconds optional).
    func timestamp(_ name: String) throws(RPCError) -> Date? {
        guard let text = try string(name) else { return nil }
        guard let date = RFC3339.date(text) else {
            throw RPCError.invalidParams(field: name, "must be an RFC 3339 timestamp such as 2026-11-22T10:15:30.123Z")
        }
        return date
    }

    /// A subject id (opaque, never an e-mail address; docs/architecture.md, "Privacy").
    func subject(_ name: String) throws(RPCError) -> String {
        let subject = try requiredString(name)
        if let problem = Subject.problem(with: subject) { throw RPCError.invalidParams(field: name, problem) }
        return subject
    }
}

extension RPCError {
    /// A domain rule's refusal as `-32602`, naming its first field.
    static func invalidParams(_ error: ValidationError, prefix: String = "") -> RPCError {
        let problem = error.problems.first ?? FieldProblem(field: "params", message: "are invalid")
        return .invalidParams(field: prefix + problem.field, problem.message)
    }
}
