import Domain
import Foundation

/// Reading a link's schedule, destinations and rules from its JSON body; every bad member is
/// named with its path (`rules[1].device`), as the other link fields are.
extension FieldReader {
    mutating func timestamp(_ name: String) -> Date? {
        guard let text = string(name) else { return nil }
        guard let date = RFC3339.date(text) else {
            problems.append(FieldProblem(field: name, message: "must be an RFC 3339 timestamp"))
            return nil
        }
        return date
    }

    mutating func destinations(_ name: String) -> [WeightedDestination] {
        objects(name).enumerated().compactMap { index, object in
            var reader = FieldReader(body: object, path: "\(name)[\(index)].")
            let url = reader.string("url")
            let weight = reader.integer("weight")
            reader.requireOnly(["url", "weight"])
            if url == nil { reader.problems.append(FieldProblem(field: "\(name)[\(index)].url", message: "is required")) }
            if weight == nil { reader.problems.append(FieldProblem(field: "\(name)[\(index)].weight", message: "is required")) }
            problems += reader.problems
            guard let url, let weight else { return nil }
            return WeightedDestination(url: url, weight: weight)
        }
    }

    mutating func rules(_ name: String) -> [LinkRule] {
        objects(name).enumerated().compactMap { index, object in
            var reader = FieldReader(body: object, path: "\(name)[\(index)].")
            let url = reader.string("url")
            let deviceName = reader.string("device")
            let device = deviceName.flatMap(DeviceClass.init(rawValue:))
            if deviceName != nil, device == nil {
                reader.problems.append(FieldProblem(field: "\(name)[\(index)].device", message: "must be one of ios, android, mobile, desktop"))
            }
            let language = reader.string("language")
            let query = reader.stringMap("query")
            reader.requireOnly(["device", "language", "query", "url"])
            if url == nil { reader.problems.append(FieldProblem(field: "\(name)[\(index)].url", message: "is required")) }
            problems += reader.problems
            guard let url else { return nil }
            return LinkRule(device: device, language: language, query: query, url: url)
        }
    }

    /// The members of an array of objects; nil or null is an empty list.
    private mutating func objects(_ name: String) -> [[String: JSONValue]] {
        switch body[name] {
        case nil, .null?: return []
        case .array(let values)?:
            var objects: [[String: JSONValue]] = []
            for (index, value) in values.enumerated() {
                guard case .object(let object) = value else {
                    problems.append(FieldProblem(field: "\(path)\(name)[\(index)]", message: "must be an object"))
                    continue
                }
                objects.append(object)
            }
            return objects
        default:
            problems.append(FieldProblem(field: "\(path)\(name)", message: "must be an array of objects"))
            return []
        }
    }

    private mutating func stringMap(_ name: String) -> [String: String]? {
        switch body[name] {
        case nil, .null?: return nil
        case .object(let object)?:
            var map: [String: String] = [:]
            for (key, value) in object {
                guard case .string(let text) = value else {
                    problems.append(FieldProblem(field: "\(path)\(name).\(key)", message: "must be a string"))
                    continue
                }
                map[key] = text
            }
            return map
        default:
            problems.append(FieldProblem(field: "\(path)\(name)", message: "must be an object of strings"))
            return nil
        }
    }

    private mutating func requireOnly(_ names: Set<String>) {
        for name in body.keys.sorted() where !names.contains(name) {
            problems.append(FieldProblem(field: "\(path)\(name)", message: "is not a field here"))
        }
    }
}
