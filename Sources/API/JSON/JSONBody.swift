import Foundation
import Hummingbird

/// Reads a JSON request body with the checks every write endpoint needs.
enum JSONBody {
    /// The body as a JSON object.
    /// - Parameter mediaTypes: the `Content-Type`s accepted (without parameters).
    static func object(
        of request: Request, context: some RequestContext, mediaTypes: [String] = ["application/json"]
    ) async throws -> [String: JSONValue] {
        try requireMediaType(of: request, in: mediaTypes)
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        let value: JSONValue
        do {
            value = try JSONValue.strict(Data(buffer.readableBytesView))
        } catch {
            throw Problem.badRequest("the body is not valid JSON (RFC 8259: no trailing commas, comments or single quotes)")
        }
        guard case .object(let members) = value else {
            throw Problem.badRequest("the body must be a JSON object")
        }
        return members
    }

    /// Throws a 415 problem unless the request's `Content-Type` (without parameters) is one of `mediaTypes`.
    static func requireMediaType(of request: Request, in mediaTypes: [String]) throws(Problem) {
        let contentType = request.headers[.contentType]?
            .split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        guard let contentType, mediaTypes.contains(contentType) else {
            throw Problem(
                status: .unsupportedMediaType,
                detail: "the body must be sent as \(mediaTypes.joined(separator: " or "))")
        }
    }
}
