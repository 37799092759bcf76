/// A JSON-RPC 2.0 error object (specification §5.1). Codes from -32000 to -32099 are the
/// service's own; the reserved ones have constructors here.
package struct RPCError: Error, Sendable, Equatable, Encodable {
    package var code: Int
    package var message: String
    package var data: JSONValue?

    package init(code: Int, message: String, data: JSONValue? = nil) {
        self.code = code
        self.message = message
        self.data = data
    }

    static func parseError() -> RPCError {
        RPCError(code: -32700, message: "Parse error", data: .object(["detail": .string("the body is not valid JSON")]))
    }

    static func invalidRequest(_ detail: String) -> RPCError {
        RPCError(code: -32600, message: "Invalid Request", data: .object(["detail": .string(detail)]))
    }

    static func methodNotFound(_ method: String) -> RPCError {
        RPCError(code: -32601, message: "Method not found", data: .object(["method": .string(method)]))
    }

    /// `field` names the parameter (a dotted path inside an object parameter).
    static func invalidParams(field: String, _ message: String) -> RPCError {
        RPCError(
            code: -32602, message: "Invalid params",
            data: .object(["field": .string(field), "message": .string(message)]))
    }

    static func internalError() -> RPCError {
        RPCError(code: -32603, message: "Internal error", data: .object(["detail": .string("the server failed; the error is logged")]))
    }
}

/// A request's `id`: a string, a number or null (specification §4). Numbers are kept as the
/// JSON parser gives them (doubles), which is exact for every integer a JavaScript client can send.
enum RPCRequestID: Sendable, Equatable, Encodable {
    case string(String)
    case number(Double)
    case null

    /// nil when `value` cannot be an id.
    init?(_ value: JSONValue) {
        switch value {
        case .string(let text): self = .string(text)
        case .number(let number): self = .number(number)
        case .null: self = .null
        default: return nil
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let text): try container.encode(text)
        case .number(let number): try container.encode(number)
        case .null: try container.encodeNil()
        }
    }
}

/// One response object: `result` or `error`, never both (specification §5).
struct RPCResponse: Encodable, Sendable {
    var id: RPCRequestID
    var outcome: Result<any Encodable & Sendable, RPCError>

    private enum CodingKeys: String, CodingKey {
        case jsonrpc, id, result, error
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode("2.0", forKey: .jsonrpc)
        try container.encode(id, forKey: .id)
        switch outcome {
        case .success(let result): try container.encode(result, forKey: .result)
        case .failure(let error): try container.encode(error, forKey: .error)
        }
    }
}
