import Hummingbird
import Synchronization

/// Hummingbird answers 404 for a known path with an unrouted method; HTTP wants 405 with `Allow`
/// (RFC 9110 §15.5.6), which tells a client its method, not its URL, is wrong. Whatever the
/// method (TRACE, QUERY, or one invented tomorrow), a router miss on a known path becomes a 405.
struct MethodNotAllowedMiddleware<Context: RequestContext>: RouterMiddleware {
    let routes: RouteTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            guard let allowed = routes.methods(forPath: request.uri.path) else { throw error }
            throw Problem.methodNotAllowed(allowed: allowed)
        }
    }
}

/// The router's own routes, read once every route is added: the one list of what each path
/// answers, so `Allow` can never disagree with the routes.
final class RouteTable: Sendable {
    private let routes = Mutex<[(segments: [Substring], methods: [HTTPRequest.Method])]>([])

    /// Takes the routes of `router`, which must hold all of them by now. Every GET also answers
    /// HEAD (the router generates those).
    func fill(from router: Router<some RequestContext>) {
        var byPath: [String: [HTTPRequest.Method]] = [:]
        for route in router.routes {
            let path = route.path.description
            byPath[path, default: []].append(route.method)
            if route.method == .get { byPath[path, default: []].append(.head) }
        }
        let table = byPath.map { path, methods in
            (segments: path.split(separator: "/"), methods: Self.ordered(methods))
        }
        routes.withLock { $0 = table }
    }

    /// The methods the path's route answers; nil when no route has this path. Where a constant
    /// segment and a parameter both match (`links/export`, `links/{slug}`), the router takes the
    /// constant, and so does this.
    func methods(forPath path: String) -> [HTTPRequest.Method]? {
        let segments = path.split(separator: "/")
        return routes.withLock { routes in
            routes.filter { Self.matches(segments, $0.segments) }
                .min { Self.parameterCount($0.segments) < Self.parameterCount($1.segments) }?.methods
        }
    }

    private static func parameterCount(_ pattern: [Substring]) -> Int {
        pattern.filter { $0.hasPrefix("{") }.count
    }

    private static func matches(_ path: [Substring], _ pattern: [Substring]) -> Bool {
        path.count == pattern.count
            && zip(path, pattern).allSatisfy { segment, expected in
                (expected.hasPrefix("{") && expected.hasSuffix("}")) || segment == expected
            }
    }

    /// Without repeats, in the order clients usually read them.
    private static func ordered(_ methods: [HTTPRequest.Method]) -> [HTTPRequest.Method] {
        let rank = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]
        func key(_ name: String) -> (Int, String) { (rank.firstIndex(of: name) ?? rank.count, name) }
        return Set(methods.map(\.rawValue)).sorted { key($0) < key($1) }.compactMap { HTTPRequest.Method($0) }
    }
}
