import Domain
import Hummingbird

/// The cookies a `/go/` hit carries for GA: `_ga`, the stream's `_ga_<container>` and the
/// consent cookie (the only cookies Clicktrail reads; docs/architecture.md, "Privacy").
struct VisitorCookies: Sendable {
    let sessionCookieName: String
    let consentFormat: ConsentCookieFormat
    let consentCookieName: String

    init(measurementID: String, consentFormat: ConsentCookieFormat, consentCookieName: String) {
        self.sessionCookieName = GACookies.sessionCookieName(measurementID: measurementID)
        self.consentFormat = consentFormat
        self.consentCookieName = consentCookieName
    }

    func visitor(of request: Request) -> GAVisitor {
        let cookies = request.cookies
        return GAVisitor(
            clientID: cookies[GACookies.clientCookieName].flatMap { GACookies.clientID(fromClientCookie: $0.value) },
            sessionID: cookies[sessionCookieName].flatMap { GACookies.sessionID(fromSessionCookie: $0.value) },
            cookieConsent: cookies[consentCookieName].map { consentFormat.signals(fromCookieValue: $0.value) })
    }
}
