import API
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore

extension TestAPI {
    /// POSTs `body` to `/rpc` with a token holding `ingest`.
    func rpc(_ body: String) async throws -> TestResponse {
        try await send(.post, "/rpc", token: try await token(.ingest), json: body)
    }

    /// Calls `method` with named `params` and returns the response object, which must be one.
    func call(_ method: String, _ params: [String: Any], id: Int = 1) async throws -> [String: Any] {
        let request: [String: Any] = ["jsonrpc": "2.0", "method": method, "params": params, "id": id]
        let body = String(decoding: try JSONSerialization.data(withJSONObject: request), as: UTF8.self)
        let response = try await rpc(body)
        guard response.status == .ok, response.headers[.contentType] == "application/json" else {
            throw TestFailure("\(method) answered \(response.status): \(String(buffer: response.body))")
        }
        return try response.jsonObject()
    }

    /// The `result` of a call that must succeed.
    func result(_ method: String, _ params: [String: Any]) async throws -> [String: Any] {
        let response = try await call(method, params)
        guard let result = response["result"] as? [String: Any] else { throw TestFailure("\(method) failed: \(response)") }
        return result
    }

    /// The `error` of a call that must fail.
    func error(_ method: String, _ params: [String: Any]) async throws -> RPCErrorObject {
        let response = try await call(method, params)
        guard let error = response["error"] as? [String: Any], let code = error["code"] as? Int else {
            throw TestFailure("\(method) did not fail: \(response)")
        }
        return RPCErrorObject(code: code, data: error["data"] as? [String: Any] ?? [:])
    }
}

struct RPCErrorObject {
    var code: Int
    var data: [String: Any]
    var field: String? { data["field"] as? String }
}

extension TestResponse {
    /// The body as any JSON value (a batch answers an array).
    func json() throws -> Any {
        try JSONSerialization.jsonObject(with: Data(body.readableBytesView), options: [.fragmentsAllowed])
    }
}
