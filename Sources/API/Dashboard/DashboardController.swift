import Foundation
import HTTPTypes
import Hummingbird

/// `/dashboard/`: the pages and their files, and signing in and out. The pages are static; their
/// script reads and writes through the REST API with the session cookie (docs/architecture.md).
struct DashboardController {
    let assets: DashboardAssets
    let sessions: DashboardSession
    let authority: TokenAuthority

    func addRoutes(to router: Router<AppRequestContext>) {
        let dashboard = router.group("dashboard").add(middleware: DashboardHeadersMiddleware())
        // `/dashboard` and `/dashboard/` alike: the router ignores a trailing slash.
        dashboard.get("/", use: app)
        dashboard.get("sign-in") { _, _ in page("sign-in.html", status: .ok) }
        dashboard.get("assets/{name}", use: asset)
        // The page asks who is signed in the way it calls the API: the middleware checks the cookie.
        dashboard.group("session").add(middleware: AuthenticationMiddleware(authority: authority, dashboardSessions: sessions))
            .group(context: AuthenticatedContext.self).get(use: session)
        dashboard.post("session", use: signIn)
        dashboard.delete("session", use: signOut)
        dashboard.post("session/delete", use: signOut)
    }

    /// The app's page for a live session; without one, the sign-in page.
    @Sendable func app(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let token = sessions.token(in: request), (try? await authority.verify(token)) != nil else {
            return Response(status: .seeOther, headers: [.location: "/dashboard/sign-in"])
        }
        return page("index.html", status: .ok)
    }

    @Sendable func asset(_ request: Request, context: AppRequestContext) async throws -> Response {
        let name = context.parameters.get("name") ?? ""
        guard name != "index.html", name != "sign-in.html", let file = assets[name] else {
            throw Problem.notFound("the dashboard has no file '\(name)'")
        }
        return Response(
            status: .ok, headers: [.contentType: file.contentType, .cacheControl: "no-cache"], body: .init(byteBuffer: file.body))
    }

    /// Who is signed in and what they may do, for the page to show only what works.
    @Sendable func session(_ request: Request, context: AuthenticatedContext) async throws -> SessionInfo {
        let principal = context.principal
        return SessionInfo(
            subject: principal.subject, scopes: principal.scopes.map(\.rawValue).sorted(), expires_at: Timestamp.format(principal.expiresAt))
    }

    struct SessionInfo: ResponseEncodable {
        @NullWhenAbsent var subject: String?
        var scopes: [String]
        var expires_at: String
    }

    struct SignInForm: Decodable {
        var token: String?
    }

    /// The sign-in form posts here: a valid token becomes the session cookie; anything else
    /// answers the form again with why.
    @Sendable func signIn(_ request: Request, context: AppRequestContext) async throws -> Response {
        if let refusal = sessions.refusal(of: request, peerAddress: context.peerAddress, isForm: true) {
            return page("sign-in.html", status: .forbidden, message: refusal)
        }
        let form = try? URLEncodedFormDecoder().decode(
            SignInForm.self, from: String(buffer: try await request.body.collect(upTo: context.maxUploadSize)))
        guard let token = form?.token?.trimmingCharacters(in: .whitespacesAndNewlines), !token.isEmpty else {
            return page("sign-in.html", status: .badRequest, message: "Paste a token into the field.")
        }
        let principal: Principal
        do {
            principal = try await authority.verify(token)
        } catch {
            return page("sign-in.html", status: .unauthorized, message: "This token does not sign in: \(error.detail).")
        }
        guard principal.has(.statsRead) || principal.has(.linksRead) else {
            return page("sign-in.html", status: .forbidden, message: "This token has neither stats:read nor links:read: nothing to show.")
        }
        var response = Response(status: .seeOther, headers: [.location: "/dashboard/"])
        response.setCookie(sessions.cookie(token: token, expiresAt: principal.expiresAt, request: request, peerAddress: context.peerAddress))
        return response
    }

    @Sendable func signOut(_ request: Request, context: AppRequestContext) async throws -> Response {
        let isForm = request.method == .post
        if let refusal = sessions.refusal(of: request, peerAddress: context.peerAddress, isForm: isForm) {
            throw Problem.forbidden(refusal)
        }
        var response =
            isForm ? Response(status: .seeOther, headers: [.location: "/dashboard/sign-in"]) : Response(status: .noContent)
        response.setCookie(sessions.clearingCookie(request: request, peerAddress: context.peerAddress))
        return response
    }

    /// A page, with `message` (fixed text of ours, none of the request's) in its message slot.
    private func page(_ name: String, status: HTTPResponse.Status, message: String? = nil) -> Response {
        var body = assets[name]?.body ?? ByteBuffer()
        if let message {
            let html = String(buffer: body).replacingOccurrences(
                of: "<p id=\"message\" role=\"alert\" hidden></p>",
                with: "<p id=\"message\" role=\"alert\">\(message)</p>")
            body = ByteBuffer(string: html)
        }
        return Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: body))
    }
}

/// Every dashboard answer, errors included: no script, style, frame or image from anywhere but
/// this origin, never inside another site's frame, and no referer to where an admin clicks.
struct DashboardHeadersMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    static let headers: HTTPFields = [
        .contentSecurityPolicy: "default-src 'self'",
        HTTPField.Name("X-Frame-Options")!: "DENY",
        HTTPField.Name("Referrer-Policy")!: "no-referrer",
        HTTPField.Name("X-Content-Type-Options")!: "nosniff",
    ]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        for field in Self.headers { response.headers[field.name] = field.value }
        return response
    }
}
