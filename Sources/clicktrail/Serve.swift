import API
import Foundation
import ArgumentParser
import Hummingbird
import Logging
import ServiceLifecycle
import UnixSignals
import Storage

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the HTTP service (redirects, admin API).",
        discussion: """
            Creates the data folder, the database and, when CLICKTRAIL_ADMIN_KEYS is unset, a random \
            admin key in <data folder>/admin-keys on first start. Admin keys are set only by \
            environment or key file, never by a flag, so they stay out of shell history and process lists.

            GA4 forwarding is configured by environment only: CLICKTRAIL_GA_MEASUREMENT_ID and \
            CLICKTRAIL_GA_API_SECRET (both, or forwarding is off), CLICKTRAIL_GA_ENDPOINT \
            (default https://www.google-analytics.com/mp/collect; EU: \
            https://region1.google-analytics.com/mp/collect) and CLICKTRAIL_GA_VALIDATE (true to \
            log the validation server's messages for every event). Consent cookies: \
            CLICKTRAIL_CONSENT_FORMAT (clicktrail, cookiebot, cookieyes) and CLICKTRAIL_CONSENT_COOKIE.
            """)

    static let shutdownLimit: Duration = .seconds(30)

    @OptionGroup var options: ServerOptions

    @Option(help: "Address to listen on. [env: CLICKTRAIL_HOST] (default: 127.0.0.1)")
    var host: String?

    @Option(help: "Port to listen on. [env: CLICKTRAIL_PORT] (default: 8080)")
    var port: Int?

    @Option(help: "Hosts whose referers count as internal, comma separated; *.example.com for subdomains, host:port for one port. [env: CLICKTRAIL_SITE_HOSTS] (default: the request's own host)")
    var siteHosts: String?

    @Option(help: "CIDRs whose X-Forwarded-Host and Forwarded headers are believed. [env: CLICKTRAIL_TRUSTED_PROXIES] (default: none)")
    var trustedProxies: String?

    @Option(help: "Where unknown or inactive slugs redirect (302). [env: CLICKTRAIL_FALLBACK_URL] (default: a 404 page)")
    var fallbackURL: String?

    @Option(help: "File of extra bot signatures, one case-insensitive substring a line. [env: CLICKTRAIL_BOT_SIGNATURES_FILE]")
    var botSignaturesFile: String?

    func run() async throws {
        var flags: [String: String] = [:]
        flags["CLICKTRAIL_HOST"] = host
        flags["CLICKTRAIL_PORT"] = port.map(String.init)
        flags["CLICKTRAIL_SITE_HOSTS"] = siteHosts
        flags["CLICKTRAIL_TRUSTED_PROXIES"] = trustedProxies
        flags["CLICKTRAIL_FALLBACK_URL"] = fallbackURL
        flags["CLICKTRAIL_BOT_SIGNATURES_FILE"] = botSignaturesFile
        let configuration = try options.resolve(adding: flags)
        // Both systems are process-wide and bind handlers when a logger or metric is made.
        AppMetrics.bootstrap()
        if configuration.logFormat == .json {
            LoggingSystem.bootstrap { label in JSONLogHandler(label: label) }
        }
        var logger = Logger(label: "clicktrail")
        logger.logLevel = configuration.logLevel
        for warning in configuration.warnings {
            logger.warning("\(warning)")
        }

        let (keys, created) = try AdminKeyFile.keys(for: configuration)
        if let warning = AdminKeyFile.exposureWarning(for: configuration) { logger.warning("\(warning)") }
        if created {
            // Written straight to the descriptor: stdout is block-buffered when it is not a terminal,
            // and an operator tailing a log must see this line now.
            FileHandle.standardOutput.write(Data((
                "Created an admin key in \(configuration.keyFilePath ?? ""); mint a token with: "
                    + "clicktrail token mint --database \(configuration.database) --scope admin --ttl 30d\n").utf8))
        }
        // Exits 1 with the reason when the database stays unreachable for the whole wait.
        let storage = try await AppStorage.open(configuration.database, wait: configuration.databaseWait, logger: logger)
        let dependencies = AppDependencies(
            storage: storage, tokenAuthority: await TokenAuthority(keySet: keys),
            botMatcher: try BotLists.matcher(extraSignatures: configuration.extraBotSignatures),
            clickWriter: ClickWriter(store: storage.clicks, logger: logger))
        let app = try buildApplication(configuration: configuration, dependencies: dependencies, logger: logger)
        // SIGTERM and SIGINT stop gracefully: no new connections, requests in flight finish, the
        // click writer drains, the GA sender settles what it sent. Each part is bounded (GA
        // requests time out after 10 s); the group's limit cuts a stuck part off after 30 s.
        var group = ServiceGroupConfiguration(services: [.init(service: app)], logger: logger)
        group.gracefulShutdownSignals = [.sigterm, .sigint]
        group.maximumGracefulShutdownDuration = Self.shutdownLimit
        do {
            try await ServiceGroup(configuration: group).run()
        } catch {
            await storage.close()
            throw error
        }
        await storage.close()
    }
}
