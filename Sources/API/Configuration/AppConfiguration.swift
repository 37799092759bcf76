import Domain
import Foundation
import Logging
import Storage

/// Everything `serve` needs, resolved once at start-up: flags override environment variables,
/// which override the defaults in the README's "Configuration".
package struct AppConfiguration: Sendable {
    package var host: String
    package var port: Int
    /// `CLICKTRAIL_DATABASE`: a SQLite file (the default) or a shared PostgreSQL server.
    package var database: DatabaseLocation
    /// `CLICKTRAIL_DATABASE_WAIT`: how long `serve` retries a database server that does not answer at start.
    package var databaseWait: Duration = .seconds(30)
    /// Keys from `CLICKTRAIL_ADMIN_KEYS`; nil means "use the key file in the data folder".
    package var adminKeys: AdminKeySet?
    package var logLevel: Logger.Level
    /// Nil: the request's own host is the site.
    package var siteHosts: SiteHosts?
    package var trustedProxies: TrustedProxies
    /// Where unknown and inactive slugs go; nil answers 404.
    package var fallbackURL: String?
    /// Extra signatures from `CLICKTRAIL_BOT_SIGNATURES_FILE`.
    package var extraBotSignatures: [String]
    /// `CLICKTRAIL_CUSTOM_TAGS`: the site's own campaign parameters, captured into `custom`.
    package var customTags: Set<String> = []
    /// `CLICKTRAIL_PAGEVIEW_EXCLUDE`: path prefixes never counted as page views.
    package var pageViewExcludedPrefixes: [String] = PageViewRules.defaultExcludedPrefixes
    /// `CLICKTRAIL_CONSENT_FORMAT` and the cookie it is read from (`CLICKTRAIL_CONSENT_COOKIE`).
    package var consentFormat: ConsentCookieFormat = .clicktrail
    package var consentCookieName: String = ConsentCookieFormat.clicktrail.defaultCookieName
    /// GA4 forwarding; nil (off) unless both measurement id and API secret are set.
    package var ga: GASettings?
    /// `CLICKTRAIL_LOG_FORMAT`: `text` (swift-log's default lines) or `json` (one object a line).
    package var logFormat: LogFormat = .text
    /// `CLICKTRAIL_RETENTION_DAYS`: raw click rows older than this are deleted; aggregates stay.
    package var retentionDays: Int = 395
    /// `CLICKTRAIL_IDLE_TIMEOUT`: a connection with no request (or a stalled request body) this long is closed.
    /// Longer than a reverse proxy's usual upstream keep-alive (60 s), so the proxy closes first.
    package var idleTimeout: Duration = .seconds(75)
    /// `CLICKTRAIL_HEADER_TIMEOUT`: a request's head must be complete this long after its first byte.
    package var headerTimeout: Duration = .seconds(15)
    /// `CLICKTRAIL_MAX_CONNECTIONS`: connections beyond this wait in the listen backlog.
    package var maxConnections: Int = AppConfiguration.defaultMaxConnections()
    /// Settings that are legal but probably not what the operator meant, to log at start-up.
    package var warnings: [String] = []

    package init(
        host: String = "127.0.0.1", port: Int = 8080, database: DatabaseLocation = .defaultFile,
        adminKeys: AdminKeySet? = nil, logLevel: Logger.Level = .info, siteHosts: SiteHosts? = nil,
        trustedProxies: TrustedProxies = .none, fallbackURL: String? = nil, extraBotSignatures: [String] = []
    ) {
        self.host = host
        self.port = port
        self.database = database
        self.adminKeys = adminKeys
        self.logLevel = logLevel
        self.siteHosts = siteHosts
        self.trustedProxies = trustedProxies
        self.fallbackURL = fallbackURL
        self.extraBotSignatures = extraBotSignatures
    }

    /// Where the key file lives when no keys are configured: beside the SQLite file. Instances
    /// sharing a database server have no such place and must share `CLICKTRAIL_ADMIN_KEYS`.
    package var keyFilePath: String? {
        database.filePath.map { URL(fileURLWithPath: $0).deletingLastPathComponent().appendingPathComponent("admin-keys").path }
    }

    /// Resolves the configuration from `overrides` (command-line flags, keyed by the environment
    /// variable they stand for) and `environment`, in that order of precedence.
    package static func resolve(
        overrides: [String: String], environment: [String: String]
    ) throws(ConfigurationError) -> AppConfiguration {
        func value(_ name: String) -> String? {
            if let flag = overrides[name] { return flag }
            if let env = environment[name], !env.isEmpty { return env }
            return nil
        }
        var configuration = AppConfiguration()
        if let host = value("CLICKTRAIL_HOST") { configuration.host = host }
        if let port = value("CLICKTRAIL_PORT") {
            guard let number = Int(port), (0...65535).contains(number) else {
                throw ConfigurationError("CLICKTRAIL_PORT must be a port number from 0 to 65535, not '\(port)'")
            }
            configuration.port = number
        }
        let passwordFile = value("CLICKTRAIL_DATABASE_PASSWORD_FILE")
        if let location = value("CLICKTRAIL_DATABASE") ?? passwordFile.map({ _ in configuration.database.description }) {
            do {
                configuration.database = try DatabaseLocation.parse(location, passwordFile: passwordFile)
            } catch {
                throw ConfigurationError(error.description)
            }
        }
        if let text = value("CLICKTRAIL_DATABASE_WAIT") {
            configuration.databaseWait = try duration(text, name: "CLICKTRAIL_DATABASE_WAIT", allowingZero: true)
        }
        if let keys = value("CLICKTRAIL_ADMIN_KEYS") {
            configuration.adminKeys = try AdminKeySet.parse(keys, origin: "CLICKTRAIL_ADMIN_KEYS")
        }
        if let level = value("CLICKTRAIL_LOG_LEVEL") {
            guard let parsed = Logger.Level(rawValue: level.lowercased()) else {
                let names = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
                throw ConfigurationError("CLICKTRAIL_LOG_LEVEL must be one of \(names), not '\(level)'")
            }
            configuration.logLevel = parsed
        }
        if let format = value("CLICKTRAIL_LOG_FORMAT") {
            guard let parsed = LogFormat(rawValue: format.lowercased()) else {
                throw ConfigurationError("CLICKTRAIL_LOG_FORMAT must be text or json, not '\(format)'")
            }
            configuration.logFormat = parsed
        }
        if let days = value("CLICKTRAIL_RETENTION_DAYS") {
            // A day at least: a zero would delete clicks the writer is still aggregating around.
            guard let number = Int(days), (1...36_500).contains(number) else {
                throw ConfigurationError("CLICKTRAIL_RETENTION_DAYS must be a whole number of days from 1 to 36500, not '\(days)'")
            }
            configuration.retentionDays = number
        }
        if let text = value("CLICKTRAIL_IDLE_TIMEOUT") {
            configuration.idleTimeout = try duration(text, name: "CLICKTRAIL_IDLE_TIMEOUT")
        }
        if let text = value("CLICKTRAIL_HEADER_TIMEOUT") {
            configuration.headerTimeout = try duration(text, name: "CLICKTRAIL_HEADER_TIMEOUT")
        }
        if let text = value("CLICKTRAIL_MAX_CONNECTIONS") {
            guard let number = Int(text), (1...1_000_000).contains(number) else {
                throw ConfigurationError("CLICKTRAIL_MAX_CONNECTIONS must be a whole number from 1 to 1000000, not '\(text)'")
            }
            configuration.maxConnections = number
        }
        if let hosts = value("CLICKTRAIL_SITE_HOSTS") {
            do {
                configuration.siteHosts = try SiteHosts(parsing: hosts)
            } catch {
                throw ConfigurationError("CLICKTRAIL_SITE_HOSTS: " + error.problems.map(\.message).joined(separator: "; "))
            }
        }
        if let proxies = value("CLICKTRAIL_TRUSTED_PROXIES") {
            configuration.trustedProxies = try TrustedProxies(parsing: proxies)
        }
        if let fallback = value("CLICKTRAIL_FALLBACK_URL") {
            if let problem = DestinationURL.problem(with: fallback) {
                throw ConfigurationError("CLICKTRAIL_FALLBACK_URL \(problem)")
            }
            configuration.fallbackURL = fallback
        }
        if let path = value("CLICKTRAIL_BOT_SIGNATURES_FILE") {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw ConfigurationError("CLICKTRAIL_BOT_SIGNATURES_FILE: cannot read '\(path)'")
            }
            configuration.extraBotSignatures = BotLists.signatureLines(of: text)
        }
        if let tags = value("CLICKTRAIL_CUSTOM_TAGS") {
            configuration.customTags = try customTags(tags)
        }
        if let prefixes = value("CLICKTRAIL_PAGEVIEW_EXCLUDE") {
            let list = prefixes.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            if let bad = list.first(where: { !$0.hasPrefix("/") }) {
                throw ConfigurationError("CLICKTRAIL_PAGEVIEW_EXCLUDE: '\(bad)' is not a path prefix; each must start with /")
            }
            configuration.pageViewExcludedPrefixes = list
        }
        if let format = value("CLICKTRAIL_CONSENT_FORMAT") {
            guard let parsed = ConsentCookieFormat(rawValue: format.lowercased()) else {
                let names = ConsentCookieFormat.allCases.map(\.rawValue).joined(separator: ", ")
                throw ConfigurationError("CLICKTRAIL_CONSENT_FORMAT must be one of \(names), not '\(format)'")
            }
            configuration.consentFormat = parsed
        }
        configuration.consentCookieName = value("CLICKTRAIL_CONSENT_COOKIE") ?? configuration.consentFormat.defaultCookieName
        let measurementID = value("CLICKTRAIL_GA_MEASUREMENT_ID")
        let apiSecret = value("CLICKTRAIL_GA_API_SECRET")
        configuration.ga = try GASettings.resolve(
            measurementID: measurementID, apiSecret: apiSecret, endpoint: value("CLICKTRAIL_GA_ENDPOINT"),
            validate: value("CLICKTRAIL_GA_VALIDATE"))
        if (measurementID == nil) != (apiSecret == nil) {
            configuration.warnings.append(
                "GA forwarding is off: set both CLICKTRAIL_GA_MEASUREMENT_ID and CLICKTRAIL_GA_API_SECRET (only one is set)")
        }
        return configuration
    }
}

extension AppConfiguration {
    static func duration(_ text: String, name: String, allowingZero: Bool = false) throws(ConfigurationError) -> Duration {
        if allowingZero, ["0", "0s"].contains(text) { return .zero }
        guard let seconds = DurationText.seconds(text) else {
            throw ConfigurationError("\(name) must be a duration such as 30s, 5m or 1h, not '\(text)'")
        }
        return .seconds(seconds)
    }

    /// Room for every connection within the process's open-file limit, keeping some descriptors
    /// for the database, logs and GA; at most 10,000.
    static func defaultMaxConnections() -> Int {
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < 1_000_000 else { return 10_000 }
        return max(16, min(10_000, Int(limit.rlim_cur) - 128))
    }

    /// Query parameter names: no control characters, separators or spaces, and none of the
    /// standard lead parameters (those have their own fields).
    static func customTags(_ text: String) throws(ConfigurationError) -> Set<String> {
        let names = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        for name in names {
            if LeadSource.parameterNames.contains(name) {
                throw ConfigurationError("CLICKTRAIL_CUSTOM_TAGS: '\(name)' is a standard lead parameter and always captured")
            }
            if name.count > 64 || TextRules.containsControlCharacter(name) || name.contains(where: { "&=# ".contains($0) }) {
                throw ConfigurationError("CLICKTRAIL_CUSTOM_TAGS: '\(name)' is not a usable query parameter name")
            }
        }
        return Set(names)
    }
}

/// A configuration value that cannot be used, told in one line an operator can act on.
/// It never quotes a secret.
package struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    package var description: String

    package init(_ description: String) {
        self.description = description
    }
}

package enum LogFormat: String, Sendable {
    case text
    case json
}
