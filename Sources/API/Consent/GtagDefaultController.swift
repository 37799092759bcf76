import Domain
import Hummingbird

/// `GET /api/v1/consent/gtag-default?subject=`: the Consent Mode v2 default for one visitor as a
/// script, so a CMS can render the stored state into the page before gtag.js loads (docs/architecture.md, "Consent").
struct GtagDefaultController {
    let consents: any ConsentRepository

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.get("consent/gtag-default", use: snippet)
    }

    @Sendable func snippet(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.principal.require(.statsRead)
        guard let subject = QueryParameters(request).values["subject"] else {
            throw Problem.badRequest("subject is required: the GA client id or visitor id whose consent to render")
        }
        if let problem = Subject.problem(with: subject) { throw Problem.badRequest("subject \(problem)") }
        let signals = try await consents.current(subject: subject)?.signals ?? .allDenied
        return Response(
            status: .ok,
            headers: [.contentType: "text/javascript; charset=utf-8", .cacheControl: "private, no-store"],
            body: .init(byteBuffer: ByteBuffer(string: Self.script(signals))))
    }

    /// Only the four signal names and their states go into the script, never the subject, so
    /// nothing a caller sends can end up as code in the page.
    static func script(_ signals: ConsentSignals) -> String {
        let lines = signals.states.map { "  '\($0.name)': '\($0.state.rawValue)'" }.joined(separator: ",\n")
        return "gtag('consent', 'default', {\n\(lines)\n});\n"
    }
}
