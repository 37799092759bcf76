import Domain
import Foundation
import Hummingbird
import Logging
import Storage

/// What the application is built from; tests make one over an in-memory database.
package struct AppDependencies: Sendable {
    package var database: AppDatabase
    package var tokenAuthority: TokenAuthority
    package var botMatcher: BotMatcher
    package var clickWriter: ClickWriter

    package init(database: AppDatabase, tokenAuthority: TokenAuthority, botMatcher: BotMatcher, clickWriter: ClickWriter) {
        self.database = database
        self.tokenAuthority = tokenAuthority
        self.botMatcher = botMatcher
        self.clickWriter = clickWriter
    }
}

/// The whole service, ready to run: `serve` runs it, tests run it on a loopback port.
/// The click writer runs beside the server and, shut down after it, drains what it queued.
package func buildApplication(
    configuration: AppConfiguration, dependencies: AppDependencies, logger: Logger
) throws -> some ApplicationProtocol {
    let router = try buildRouter(configuration: configuration, dependencies: dependencies)
    return Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "clicktrail"),
        services: [dependencies.clickWriter],
        logger: logger)
}

package func buildRouter(configuration: AppConfiguration, dependencies: AppDependencies) throws -> Router<AppRequestContext> {
    let links = CachedLinkRepository(SQLiteLinkRepository(database: dependencies.database))
    let router = Router(context: AppRequestContext.self, options: [.autoGenerateHeadEndpoints])
    // Middleware wraps only routes added after it, so it comes first.
    router.add(middleware: ProblemMiddleware())
    router.add(middleware: MethodNotAllowedMiddleware(
        allowed: HealthController.allowedMethods
            .merging(LinkController<CachedLinkRepository<SQLiteLinkRepository>>.allowedMethods) { $1 }
            .merging(RedirectController.allowedMethods) { $1 }))

    HealthController(database: dependencies.database, openAPIDocument: try APIDocuments.openAPI())
        .addRoutes(to: router)
    RedirectController(
        links: links, classifier: HitClassifier(bots: dependencies.botMatcher), recorder: dependencies.clickWriter,
        siteHosts: configuration.siteHosts, trustedProxies: configuration.trustedProxies,
        fallbackURL: configuration.fallbackURL
    ).addRoutes(to: router)

    let api = router.group("api/v1")
        .add(middleware: AuthenticationMiddleware(authority: dependencies.tokenAuthority))
        .group(context: AuthenticatedContext.self)
    LinkController(links: links).addRoutes(to: api)
    return router
}
