import Foundation
import Hummingbird
import Logging
import Storage

/// What the application is built from; tests make one over an in-memory database.
package struct AppDependencies: Sendable {
    package var database: AppDatabase
    package var tokenAuthority: TokenAuthority

    package init(database: AppDatabase, tokenAuthority: TokenAuthority) {
        self.database = database
        self.tokenAuthority = tokenAuthority
    }
}

/// The whole service, ready to run: `serve` runs it, tests run it on a loopback port.
package func buildApplication(
    configuration: AppConfiguration, dependencies: AppDependencies, logger: Logger
) throws -> some ApplicationProtocol {
    let router = try buildRouter(dependencies)
    return Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "clicktrail"),
        logger: logger)
}

package func buildRouter(_ dependencies: AppDependencies) throws -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self, options: [.autoGenerateHeadEndpoints])
    // Middleware wraps only routes added after it, so it comes first.
    router.add(middleware: ProblemMiddleware())
    router.add(middleware: MethodNotAllowedMiddleware(
        allowed: HealthController.allowedMethods.merging(LinkController<SQLiteLinkRepository>.allowedMethods) { $1 }))

    HealthController(database: dependencies.database, openAPIDocument: try APIDocuments.openAPI())
        .addRoutes(to: router)

    let api = router.group("api/v1")
        .add(middleware: AuthenticationMiddleware(authority: dependencies.tokenAuthority))
        .group(context: AuthenticatedContext.self)
    LinkController(links: SQLiteLinkRepository(database: dependencies.database)).addRoutes(to: api)
    return router
}
