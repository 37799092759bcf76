import Foundation
import Hummingbird

/// Verifies the bearer token of every request it guards and records who called. Where the
/// dashboard calls (the REST API), its session cookie is accepted instead, only from its own
/// origin (DashboardSession.refusal).
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let authority: TokenAuthority
    /// Set where the dashboard's session cookie may stand in for the bearer token.
    var dashboardSessions: DashboardSession? = nil

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let token: String
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            guard parts.count == 2, parts[0].lowercased() == "bearer" else { throw Problem.unauthorized(.missing) }
            token = String(parts[1].trimmingCharacters(in: .whitespaces))
        } else if let sessions = dashboardSessions, let cookie = sessions.token(in: request) {
            if let refusal = sessions.refusal(of: request, peerAddress: context.peerAddress) { throw Problem.forbidden(refusal) }
            token = cookie
        } else {
            throw Problem.unauthorized(.missing)
        }
        var context = context
        do {
            context.principal = try await authority.verify(token)
        } catch {
            throw Problem.unauthorized(error)
        }
        return try await next(request, context)
    }
}
