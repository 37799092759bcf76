import Foundation
import Hummingbird

/// The request context of every route.
package struct AppRequestContext: RequestContext {
    package var coreContext: CoreRequestContextStorage
    /// Set by `AuthenticationMiddleware` once a bearer token verified.
    package var principal: Principal?
    /// The peer's address, only to decide whether its forwarding headers are believed; never stored.
    package let peerAddress: String?

    package init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        principal = nil
        peerAddress = source.channel.remoteAddress?.ipAddress
    }

    /// Bodies over 1 MiB answer 413 (docs/architecture.md, "Bad input").
    package var maxUploadSize: Int { 1 << 20 }
    package var responseEncoder: JSONEncoder { ResponseJSON.encoder }
}

/// The context of routes behind authentication: handlers get a principal, never an optional.
package struct AuthenticatedContext: ChildRequestContext {
    package var coreContext: CoreRequestContextStorage
    package let principal: Principal

    package init(context: AppRequestContext) throws {
        guard let principal = context.principal else { throw Problem.unauthorized(.missing) }
        self.coreContext = context.coreContext
        self.principal = principal
    }

    package var maxUploadSize: Int { 1 << 20 }
    package var responseEncoder: JSONEncoder { ResponseJSON.encoder }
}

/// Stable key order makes responses diffable and easy to read in a terminal.
enum ResponseJSON {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}
