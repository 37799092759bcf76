import Foundation
import HTTPTypes
import Hummingbird

/// The dashboard's session: the signed-in token in an `HttpOnly; SameSite=Strict` cookie, so no
/// script can read it and no other site can send it, accepted only on requests from the
/// dashboard's own pages, and writes only with the dashboard's header besides (docs/decisions.md).
struct DashboardSession: Sendable {
    static let cookieName = "clicktrail_session"
    /// Every write through the cookie carries it: a form on another site cannot set a header.
    static let writeHeader = HTTPField.Name("X-Clicktrail-Dashboard")!
    private static let fetchSite = HTTPField.Name("Sec-Fetch-Site")!

    let forwarded: ForwardedRequest

    func token(in request: Request) -> String? {
        guard let value = request.cookies[Self.cookieName]?.value, !value.isEmpty else { return nil }
        return value
    }

    /// Why a request carrying the cookie is refused, or nil when it came from the dashboard: the
    /// browser says same-origin (`Sec-Fetch-Site`) or sends an `Origin` equal to this host; a
    /// browser that sends neither may only read. The sign-in and sign-out forms cannot set a
    /// header (`isForm`): their origin alone is checked.
    func refusal(of request: Request, peerAddress: String?, isForm: Bool = false) -> String? {
        let isWrite = request.method != .get && request.method != .head
        if isWrite, !isForm, request.headers[Self.writeHeader] != "1" {
            return "a write with the dashboard's session needs the header 'X-Clicktrail-Dashboard: 1'"
        }
        if let site = request.headers[Self.fetchSite] {
            return site == "same-origin" ? nil : "the dashboard's session is accepted only from the dashboard's own pages"
        }
        if let origin = request.headers[.origin] {
            let host = forwarded.host(request, peerAddress: { peerAddress }).lowercased()
            return Self.authority(ofOrigin: origin) == host ? nil : "the dashboard's session is accepted only from the dashboard's own pages"
        }
        return isWrite ? "a write with the dashboard's session must say its Origin" : nil
    }

    /// The `Set-Cookie` of a new session, ending when the token expires.
    func cookie(token: String, expiresAt: Date, request: Request, peerAddress: String?, now: Date = Date()) -> Cookie {
        Cookie(
            name: Self.cookieName, value: token, maxAge: max(1, Int(expiresAt.timeIntervalSince(now))), path: "/",
            secure: forwarded.isHTTPS(request, peerAddress: { peerAddress }), httpOnly: true, sameSite: .strict)
    }

    /// The `Set-Cookie` that ends the session.
    func clearingCookie(request: Request, peerAddress: String?) -> Cookie {
        Cookie(
            name: Self.cookieName, value: "", maxAge: 0, path: "/",
            secure: forwarded.isHTTPS(request, peerAddress: { peerAddress }), httpOnly: true, sameSite: .strict)
    }

    /// `https://host:port` → `host:port`, lowercased; "null" and other non-URLs give nil.
    private static func authority(ofOrigin origin: String) -> String? {
        guard let range = origin.range(of: "://") else { return nil }
        return origin[range.upperBound...].lowercased()
    }
}
