import Hummingbird

/// Hummingbird answers 404 for a known path with an unrouted method; HTTP wants 405 with `Allow`
/// (RFC 9110 §15.5.6), which tells a client its method, not its URL, is wrong. Whatever the
/// method (TRACE, QUERY, or one invented tomorrow), a router miss on a known path becomes a 405.
struct MethodNotAllowedMiddleware<Context: RequestContext>: RouterMiddleware {
    private let routes: [(segments: [Substring], allowed: [HTTPRequest.Method])]

    /// - Parameter allowed: methods by path pattern, with `{name}` for a path parameter.
    init(allowed: [String: [HTTPRequest.Method]]) {
        routes = allowed.map { (segments: $0.key.split(separator: "/"), allowed: $0.value) }
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let path = request.uri.path.split(separator: "/")
            guard let route = routes.first(where: { Self.matches(path, $0.segments) }) else { throw error }
            throw Problem.methodNotAllowed(allowed: route.allowed)
        }
    }

    private static func matches(_ path: [Substring], _ pattern: [Substring]) -> Bool {
        path.count == pattern.count
            && zip(path, pattern).allSatisfy { segment, expected in
                (expected.hasPrefix("{") && expected.hasSuffix("}")) || segment == expected
            }
    }
}
