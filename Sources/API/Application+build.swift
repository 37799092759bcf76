import Domain
import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import ServiceLifecycle
import Storage

/// What the application is built from; tests make one over an in-memory database.
package struct AppDependencies: Sendable {
    package var storage: AppStorage
    package var tokenAuthority: TokenAuthority
    package var botMatcher: BotMatcher
    package var clickWriter: ClickWriter
    /// How the GA sender spaces retries; tests that are not about back-off shorten it.
    package var gaRetryPolicy: RetryPolicy = .standard

    package init(storage: AppStorage, tokenAuthority: TokenAuthority, botMatcher: BotMatcher, clickWriter: ClickWriter) {
        self.storage = storage
        self.tokenAuthority = tokenAuthority
        self.botMatcher = botMatcher
        self.clickWriter = clickWriter
    }
}

/// The whole service, ready to run: `serve` runs it, tests run it on a loopback port.
/// The click writer and the GA sender run beside the server. Services stop in reverse order
/// after the server: the writer drains what it queued (outbox rows included), then the sender
/// finishes the requests it has in flight.
package func buildApplication(
    configuration: AppConfiguration, dependencies: AppDependencies, logger: Logger
) throws -> some ApplicationProtocol {
    AppMetrics.bootstrap()
    let storage = dependencies.storage
    let links = CachedLinkRepository(storage.links)
    let intake = ClickIntake(
        links: links,
        classifier: HitClassifier(bots: dependencies.botMatcher, customTags: configuration.customTags),
        writer: dependencies.clickWriter, forwardsToGA: configuration.ga != nil)
    let redirector = Redirector(
        intake: intake, customTags: configuration.customTags, siteHosts: configuration.siteHosts,
        forwarded: ForwardedRequest(trustedProxies: configuration.trustedProxies), fallbackURL: configuration.fallbackURL,
        visitorCookies: configuration.ga.map {
            VisitorCookies(
                measurementID: $0.measurementID, consentFormat: configuration.consentFormat,
                consentCookieName: configuration.consentCookieName)
        })
    let ledger = RequestLedger()
    let router = try buildRouter(
        configuration: configuration, dependencies: dependencies, links: links, intake: intake, redirector: redirector,
        ledger: ledger)
    var services: [any Service] = []
    if let ga = configuration.ga {
        services.append(GASender(outbox: storage.outbox, settings: ga, retryPolicy: dependencies.gaRetryPolicy, logger: logger))
    }
    services.append(dependencies.clickWriter)
    // Last in, first to stop: a purge in progress ends at its current batch.
    services += storage.services(configuration.retentionDays, logger) { change in links.apply(change) }
    let serverName = "clicktrail"
    let timeouts = ConnectionGuard.Timeouts(idle: configuration.idleTimeout, header: configuration.headerTimeout)
    return Application(
        router: router,
        // Per connection, made when it opens: the guard sees every request and answer, the fast
        // path's included, so it comes first.
        server: .http1(
            configuration: .init(
                additionalChannelHandlers: [
                    ConnectionGuard(timeouts: timeouts, logger: logger),
                    RedirectFastPath(redirector: redirector, ledger: ledger, logger: logger, serverName: serverName),
                ])),
        configuration: .init(
            address: .hostname(configuration.host, port: configuration.port), serverName: serverName,
            availableConnectionsDelegate: MaximumAvailableConnections(configuration.maxConnections)),
        services: services,
        logger: logger)
}

func buildRouter(
    configuration: AppConfiguration, dependencies: AppDependencies, links: CachedLinkRepository,
    intake: ClickIntake, redirector: Redirector, ledger: RequestLedger
) throws -> Router<AppRequestContext> {
    let storage = dependencies.storage
    let router = Router(context: AppRequestContext.self, options: [.autoGenerateHeadEndpoints])
    // Middleware wraps only routes added after it, so it comes first. The ledger sits outside
    // the problem middleware: it sees the status the client gets.
    router.add(middleware: RequestLedgerMiddleware(ledger: ledger))
    router.add(middleware: ProblemMiddleware())
    let routes = RouteTable()
    router.add(middleware: MethodNotAllowedMiddleware(routes: routes))

    HealthController(isReachable: storage.isReachable, openAPIDocument: try APIDocuments.openAPI()).addRoutes(to: router)
    MetricsController(registry: AppMetrics.registry, clickWriter: dependencies.clickWriter, outbox: storage.outbox).addRoutes(to: router)
    RedirectController(redirector: redirector).addRoutes(to: router)

    let sessions = DashboardSession(forwarded: redirector.forwarded)
    DashboardController(assets: try DashboardAssets(), sessions: sessions, authority: dependencies.tokenAuthority).addRoutes(to: router)

    let authentication = AuthenticationMiddleware(authority: dependencies.tokenAuthority)
    // The dashboard's pages call the REST API, never JSON-RPC: only here does its cookie count.
    let api = router.group("api/v1").add(middleware: AuthenticationMiddleware(authority: dependencies.tokenAuthority, dashboardSessions: sessions))
        .group(context: AuthenticatedContext.self)
    LinkController(links: links).addRoutes(to: api)
    LinkBulkController(links: links).addRoutes(to: api)
    LeadController(leads: storage.leads).addRoutes(to: api)
    GtagDefaultController(consents: storage.consents).addRoutes(to: api)
    OutboxStatsController(outbox: storage.outbox).addRoutes(to: api)
    StatsController(stats: storage.stats, links: links).addRoutes(to: api)
    ClickExportController(clickLog: storage.clickLog, links: links).addRoutes(to: api)

    let rpc = router.group("rpc").add(middleware: authentication).group(context: AuthenticatedContext.self)
    RPCController(dispatcher: try ingestDispatcher(configuration: configuration, dependencies: dependencies, intake: intake))
        .addRoutes(to: rpc)
    routes.fill(from: router)
    return router
}

/// Every JSON-RPC method the service answers, over its storage.
func ingestDispatcher(
    configuration: AppConfiguration, dependencies: AppDependencies, intake: ClickIntake
) throws -> RPCDispatcher {
    let storage = dependencies.storage
    let methods =
        ClickMethods(intake: intake, siteHosts: configuration.siteHosts, customTags: configuration.customTags).methods
        + PageViewMethods(
            rules: PageViewRules(excludedPrefixes: configuration.pageViewExcludedPrefixes, bots: dependencies.botMatcher),
            pageViews: storage.pageViews, forwardsToGA: configuration.ga != nil).methods
        + LeadMethods(leads: storage.leads, customTags: configuration.customTags).methods
        + ConsentMethods(consents: storage.consents).methods
        + DiscoverMethod(document: try APIDocuments.openRPC()).methods
    return RPCDispatcher(methods: methods)
}
