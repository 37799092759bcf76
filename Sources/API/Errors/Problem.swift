import Domain
import Foundation
import HTTPTypes
import Hummingbird

/// An RFC 9457 problem details response; the only error body the service sends.
package struct Problem: HTTPResponseError, Sendable {
    /// Identifies the kind of problem; `about:blank` where the status says it all (RFC 9457 §4.2.1).
    package var type: String
    package var title: String
    package var status: HTTPResponse.Status
    package var detail: String
    /// Field-level problems of a 422.
    package var errors: [FieldProblem]?
    package var headers: HTTPFields = [:]

    package init(
        status: HTTPResponse.Status, detail: String, type: String = "about:blank", title: String? = nil,
        errors: [FieldProblem]? = nil, headers: HTTPFields = [:]
    ) {
        self.type = type
        self.title = title ?? status.reasonPhrase
        self.status = status
        self.detail = detail
        self.errors = errors
        self.headers = headers
    }

    static let typePrefix = "urn:clicktrail:problem:"

    package static func badRequest(_ detail: String) -> Problem {
        Problem(status: .badRequest, detail: detail, type: typePrefix + "bad-request", title: "Bad request")
    }

    package static func notFound(_ detail: String) -> Problem {
        Problem(status: .notFound, detail: detail)
    }

    package static func unauthorized(_ failure: AuthenticationFailure) -> Problem {
        // RFC 6750 §3: the challenge names the scheme; invalid_token tells a client to get a new one.
        let challenge = failure == .missing ? "Bearer" : "Bearer error=\"invalid_token\""
        return Problem(
            status: .unauthorized, detail: failure.detail, type: typePrefix + "unauthorized",
            title: "Unauthorized", headers: [.wwwAuthenticate: challenge])
    }

    package static func forbidden(_ detail: String) -> Problem {
        Problem(
            status: .forbidden, detail: detail, type: typePrefix + "insufficient-scope", title: "Insufficient scope",
            headers: [.wwwAuthenticate: "Bearer error=\"insufficient_scope\""])
    }

    package static func validation(_ error: ValidationError) -> Problem {
        let summary = error.problems.map { "\($0.field) \($0.message)" }.joined(separator: "; ")
        return Problem(
            status: .unprocessableContent, detail: summary, type: typePrefix + "validation",
            title: "Invalid input", errors: error.problems)
    }

    package static func conflict(_ detail: String) -> Problem {
        Problem(status: .conflict, detail: detail, type: typePrefix + "conflict", title: "Conflict")
    }

    package static func methodNotAllowed(allowed: [HTTPRequest.Method]) -> Problem {
        let names = allowed.map(\.rawValue).joined(separator: ", ")
        return Problem(
            status: .methodNotAllowed, detail: "this resource allows \(names)", headers: [.allow: names])
    }

    package static func internalError() -> Problem {
        Problem(status: .internalServerError, detail: "the server failed; the error is logged")
    }

    package func response(from request: Request, context: some RequestContext) throws -> Response {
        let (head, body) = encoded()
        return Response(status: head.status, headers: head.headerFields, body: .init(byteBuffer: body))
    }

    /// The answer's head (without `Content-Length`) and body, also for answers written below the router.
    func encoded() -> (head: HTTPResponse, body: ByteBuffer) {
        var body = ["type": type, "title": title, "status": Int(status.code), "detail": detail] as [String: any Sendable]
        if let errors {
            body["errors"] = errors.map { ["field": $0.field, "message": $0.message] }
        }
        // Strings, numbers and arrays of them always serialise.
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data()
        var fields = headers
        fields[.contentType] = "application/problem+json"
        return (HTTPResponse(status: status, headerFields: fields), ByteBuffer(bytes: data))
    }
}
