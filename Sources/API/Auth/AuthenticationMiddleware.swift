import Foundation
import Hummingbird

/// Verifies the bearer token of every request it guards and records who called.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let authority: TokenAuthority

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else { throw Problem.unauthorized(.missing) }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { throw Problem.unauthorized(.missing) }
        var context = context
        do {
            context.principal = try await authority.verify(String(parts[1].trimmingCharacters(in: .whitespaces)))
        } catch {
            throw Problem.unauthorized(error)
        }
        return try await next(request, context)
    }
}
