import Foundation
import Logging

/// One method of the JSON-RPC service, independent of transport and of the other methods.
package struct RPCMethod: Sendable {
    package let name: String
    /// Every parameter the method takes, in the order positional parameters are given.
    package let parameterNames: [String]
    package let handler: @Sendable (RPCParams) async throws -> any Encodable & Sendable

    package init(
        _ name: String, parameters: [String],
        handler: @escaping @Sendable (RPCParams) async throws -> any Encodable & Sendable
    ) {
        self.name = name
        self.parameterNames = parameters
        self.handler = handler
    }
}

/// The JSON-RPC 2.0 protocol over a set of methods: parsing, validation of request objects,
/// batches, notifications and error objects. It knows nothing of HTTP or of what methods do.
package struct RPCDispatcher: Sendable {
    /// More calls in one batch are refused whole (openrpc.json).
    package static var maxBatchSize: Int { 100 }

    private let methods: [String: RPCMethod]

    package init(methods: [RPCMethod]) {
        self.methods = Dictionary(uniqueKeysWithValues: methods.map { ($0.name, $0) })
    }

    /// Each method's parameter names, in positional order.
    package var methodParameters: [String: [String]] { methods.mapValues(\.parameterNames) }

    /// The response document for `body`, or nil when nothing is to be answered (notifications only).
    /// Calls of a batch run one after another in the batch's order, so a batch can set and then read.
    package func respond(to body: Data, logger: Logger) async -> Data? {
        guard let document = try? JSONValue.strict(body) else {
            return Self.encode(RPCResponse(id: .null, outcome: .failure(.parseError())))
        }
        guard case .array(let calls) = document else {
            return await call(document, logger).flatMap(Self.encode)
        }
        if calls.isEmpty {
            return Self.encode(RPCResponse(id: .null, outcome: .failure(.invalidRequest("a batch must not be empty"))))
        }
        if calls.count > Self.maxBatchSize {
            let error = RPCError.invalidRequest("a batch holds at most \(Self.maxBatchSize) calls; none of these \(calls.count) ran")
            return Self.encode(RPCResponse(id: .null, outcome: .failure(error)))
        }
        var responses: [RPCResponse] = []
        for call in calls {
            if let response = await self.call(call, logger) { responses.append(response) }
        }
        return responses.isEmpty ? nil : Self.encode(responses)
    }

    /// Runs one request object; nil for a notification (answered never, not even with an error).
    private func call(_ value: JSONValue, _ logger: Logger) async -> RPCResponse? {
        guard case .object(let request) = value else {
            return RPCResponse(id: .null, outcome: .failure(.invalidRequest("a request must be a JSON object")))
        }
        let isNotification = request["id"] == nil
        guard let id = request["id"].map(RPCRequestID.init) ?? .null else {
            return RPCResponse(id: .null, outcome: .failure(.invalidRequest("id must be a string, a number or null")))
        }
        func failure(_ error: RPCError) -> RPCResponse { RPCResponse(id: id, outcome: .failure(error)) }

        guard request["jsonrpc"] == .string("2.0") else { return failure(.invalidRequest("jsonrpc must be \"2.0\"")) }
        guard case .string(let name)? = request["method"] else { return failure(.invalidRequest("method must be a string")) }
        switch request["params"] {
        case nil, .array?, .object?: break
        default: return failure(.invalidRequest("params must be an array or an object"))
        }
        do {
            guard let method = methods[name] else { throw RPCError.methodNotFound(name) }
            let params = try Self.params(request["params"], of: method)
            let result = try await method.handler(params)
            return isNotification ? nil : RPCResponse(id: id, outcome: .success(result))
        } catch let error as RPCError {
            return isNotification ? nil : failure(error)
        } catch {
            logger.error("JSON-RPC method failed", metadata: ["method": "\(name)", "error": "\(error)"])
            return isNotification ? nil : failure(.internalError())
        }
    }

    /// Positional parameters take the method's names in order; named ones must be among them.
    private static func params(_ value: JSONValue?, of method: RPCMethod) throws(RPCError) -> RPCParams {
        switch value {
        case .array(let positional)?:
            guard positional.count <= method.parameterNames.count else {
                throw RPCError.invalidParams(
                    field: "params", "\(method.name) takes at most \(method.parameterNames.count) parameters")
            }
            return RPCParams(values: Dictionary(uniqueKeysWithValues: zip(method.parameterNames, positional)))
        case .object(let named)?:
            if let unknown = named.keys.sorted().first(where: { !method.parameterNames.contains($0) }) {
                throw RPCError.invalidParams(field: unknown, "is not a parameter of \(method.name)")
            }
            return RPCParams(values: named)
        default:
            return RPCParams(values: [:])
        }
    }

    private static func encode(_ value: some Encodable) -> Data? {
        // Encoding our own response types cannot fail; `try!` would still be a crash waiting.
        try? ResponseJSON.encoder.encode(value)
    }
}
