import API
import Domain
import Foundation
import Logging
import Storage
import Synchronization
import Testing

@Suite struct ConfigurationTests {
    private static let secret = Data(repeating: 7, count: 32).base64EncodedString()

    @Test func defaultsAreThoseOfTheSpec() throws {
        let configuration = try AppConfiguration.resolve(overrides: [:], environment: [:])
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 8080)
        #expect(configuration.database == .file("./data/clicktrail.sqlite"))
        #expect(configuration.keyFilePath?.hasSuffix("data/admin-keys") == true)
        #expect(configuration.databaseWait == .seconds(30))
        #expect(configuration.adminKeys == nil)
        #expect(configuration.logLevel == .info)
        #expect(configuration.logFormat == .text)
        #expect(configuration.retentionDays == 395)
    }

    @Test func logFormatAndRetentionAreRead() throws {
        let configuration = try AppConfiguration.resolve(
            overrides: [:], environment: ["CLICKTRAIL_LOG_FORMAT": "JSON", "CLICKTRAIL_RETENTION_DAYS": "30"])
        #expect(configuration.logFormat == .json && configuration.retentionDays == 30)
    }

    @Test func flagsOverrideEnvironmentWhichOverridesDefaults() throws {
        let environment = ["CLICKTRAIL_PORT": "9000", "CLICKTRAIL_HOST": "0.0.0.0", "CLICKTRAIL_DATABASE": "/srv/ct/db.sqlite"]
        let fromEnvironment = try AppConfiguration.resolve(overrides: [:], environment: environment)
        #expect(fromEnvironment.port == 9000)
        #expect(fromEnvironment.host == "0.0.0.0")
        #expect(fromEnvironment.keyFilePath == "/srv/ct/admin-keys")
        let fromFlags = try AppConfiguration.resolve(overrides: ["CLICKTRAIL_PORT": "9100"], environment: environment)
        #expect(fromFlags.port == 9100)
        #expect(fromFlags.host == "0.0.0.0")
    }

    @Test(arguments: [
        ["CLICKTRAIL_PORT": "http"], ["CLICKTRAIL_PORT": "70000"], ["CLICKTRAIL_LOG_LEVEL": "loud"],
        ["CLICKTRAIL_DATABASE": "postgres://db/clicktrail?sslmode=sometimes"], ["CLICKTRAIL_DATABASE_WAIT": "soon"],
        ["CLICKTRAIL_DATABASE_PASSWORD_FILE": "/nonexistent/pw"], ["CLICKTRAIL_SITE_HOSTS": "https://example.com"],
        ["CLICKTRAIL_TRUSTED_PROXIES": "10.0.0.0/33"], ["CLICKTRAIL_TRUSTED_PROXIES": "proxy.local"],
        ["CLICKTRAIL_FALLBACK_URL": "javascript:alert(1)"], ["CLICKTRAIL_BOT_SIGNATURES_FILE": "/nonexistent/bots.txt"],
        ["CLICKTRAIL_LOG_FORMAT": "xml"], ["CLICKTRAIL_RETENTION_DAYS": "0"], ["CLICKTRAIL_RETENTION_DAYS": "a year"],
    ])
    func badValuesAreRefusedWithTheirName(_ environment: [String: String]) {
        do {
            _ = try AppConfiguration.resolve(overrides: [:], environment: environment)
            Issue.record("expected a configuration error")
        } catch {
            #expect(error.description.contains(environment.keys.first!))
        }
    }

    @Test func redirectSettingsAreRead() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("bots-\(UUID().uuidString).txt")
        try "# our monitors\nAcmeProbe/\n\n  quokka  \n".write(to: file, atomically: true, encoding: .utf8)
        let configuration = try AppConfiguration.resolve(overrides: [:], environment: [
            "CLICKTRAIL_SITE_HOSTS": "example.com, *.example.com", "CLICKTRAIL_TRUSTED_PROXIES": "10.0.0.0/8",
            "CLICKTRAIL_FALLBACK_URL": "https://example.com/", "CLICKTRAIL_BOT_SIGNATURES_FILE": file.path,
        ])
        #expect(configuration.siteHosts?.contains(host: "www.example.com", port: 443) == true)
        #expect(configuration.trustedProxies.contains(ipAddress: "10.1.2.3"))
        #expect(configuration.fallbackURL == "https://example.com/")
        #expect(configuration.extraBotSignatures == ["AcmeProbe/", "quokka"])
    }

    @Test func trustedProxiesMatchByPrefixForBothFamilies() throws {
        let proxies = try TrustedProxies(parsing: "10.0.0.0/8, 192.168.1.7, 2001:db8::/32")
        #expect(proxies.contains(ipAddress: "10.255.0.1"))
        #expect(proxies.contains(ipAddress: "::ffff:10.0.0.9"))
        #expect(proxies.contains(ipAddress: "192.168.1.7"))
        #expect(!proxies.contains(ipAddress: "192.168.1.8"))
        #expect(!proxies.contains(ipAddress: "11.0.0.1"))
        #expect(proxies.contains(ipAddress: "2001:db8:1::5"))
        #expect(!proxies.contains(ipAddress: "2001:db9::5"))
        #expect(!proxies.contains(ipAddress: "not an address"))
        #expect(!TrustedProxies.none.contains(ipAddress: "127.0.0.1"))
    }

    @Test func adminKeysParseInOrderAndTheFirstSigns() throws {
        let other = Data(repeating: 9, count: 48).base64EncodedString()
        let keys = try AdminKeySet.parse("new:\(Self.secret), old:\(other)", origin: "test")
        #expect(keys.keys.map(\.kid) == ["new", "old"])
        #expect(keys.signingKey.secret == Array(repeating: 7, count: 32))
        #expect(keys.keys[1].secret.count == 48)
    }

    @Test(arguments: [
        ("k:" + Data(repeating: 1, count: 31).base64EncodedString(), "at least 32"),
        ("no-colon", "kid:base64secret"),
        ("k:not base64!", "not valid base64"),
        ("", "no admin key"),
        ("a:\(Data(repeating: 1, count: 32).base64EncodedString()),a:\(Data(repeating: 2, count: 32).base64EncodedString())", "twice"),
    ])
    func unusableKeysAreRefusedWithoutEchoingTheSecret(_ text: String, _ expected: String) {
        do {
            _ = try AdminKeySet.parse(text, origin: "CLICKTRAIL_ADMIN_KEYS")
            Issue.record("expected a configuration error")
        } catch {
            #expect(error.description.contains(expected))
            if let secret = text.split(separator: ":").last, secret.count > 8 {
                #expect(!error.description.contains(secret))
            }
        }
    }

    @Test func theKeyFileIsCreatedOnceWithMode0600AndReused() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("clicktrail-\(UUID().uuidString)")
        let path = folder.appendingPathComponent("data/admin-keys").path
        let (created, wasCreated) = try AdminKeyFile.loadOrCreate(at: path)
        #expect(wasCreated)
        #expect(created.signingKey.secret.count == 32)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let (loaded, createdAgain) = try AdminKeyFile.loadOrCreate(at: path)
        #expect(!createdAgain)
        #expect(loaded == created)
    }

    /// Two processes starting for the first time at once must not each write a key and leave
    /// one of them holding a key the file no longer has.
    @Test func firstStartsAtOnceAgreeOnOneKey() throws {
        for _ in 0..<20 {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("clicktrail-\(UUID().uuidString)")
            let path = folder.appendingPathComponent("data/admin-keys").path
            let results = Mutex<[(keys: AdminKeySet, created: Bool)]>([])
            DispatchQueue.concurrentPerform(iterations: 6) { _ in
                if let result = try? AdminKeyFile.loadOrCreate(at: path) { results.withLock { $0.append(result) } }
            }
            let all = results.withLock { $0 }
            #expect(all.count == 6)
            #expect(all.filter(\.created).count == 1)
            #expect(Set(all.map { $0.keys.signingKey.secret }).count == 1)
            #expect(try AdminKeyFile.loadOrCreate(at: path).keys == all[0].keys)
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("data").path) == ["admin-keys"])
        }
    }

    @Test func aKeyFileOthersCanReadIsWarnedAbout() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("clicktrail-\(UUID().uuidString)")
        let configuration = try AppConfiguration.resolve(
            overrides: [:], environment: ["CLICKTRAIL_DATABASE": folder.appendingPathComponent("db.sqlite").path])
        _ = try AdminKeyFile.keys(for: configuration)
        #expect(AdminKeyFile.exposureWarning(for: configuration) == nil)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: try #require(configuration.keyFilePath))
        let warning = try #require(AdminKeyFile.exposureWarning(for: configuration))
        #expect(warning.contains("chmod 600"))
        let folderMode = try FileManager.default.attributesOfItem(atPath: folder.path)[.posixPermissions] as? Int
        #expect(folderMode == 0o700)
    }

    /// Instances sharing a database server must accept each other's tokens: no key file per
    /// instance, the keys come from the environment, and the password is never echoed.
    @Test func aSharedDatabaseNeedsConfiguredKeysAndHidesItsPassword() throws {
        let configuration = try AppConfiguration.resolve(
            overrides: [:], environment: ["CLICKTRAIL_DATABASE": "postgres://app:hunter2@db.internal/clicks", "CLICKTRAIL_DATABASE_WAIT": "5s"])
        #expect(configuration.keyFilePath == nil)
        #expect(configuration.databaseWait == .seconds(5))
        #expect("\(configuration.database)" == "postgres://app@db.internal:5432/clicks?sslmode=prefer")
        #expect {
            try AdminKeyFile.keys(for: configuration)
        } throws: { error in
            "\(error)".contains("CLICKTRAIL_ADMIN_KEYS")
        }
        let withKeys = try AppConfiguration.resolve(
            overrides: [:], environment: ["CLICKTRAIL_DATABASE": "postgres://app@db.internal/clicks", "CLICKTRAIL_ADMIN_KEYS": "env:\(Self.secret)"])
        #expect(try AdminKeyFile.keys(for: withKeys).keys.signingKey.kid == "env")
    }

    @Test func configuredKeysTakePrecedenceOverTheKeyFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("clicktrail-\(UUID().uuidString)")
        let configuration = try AppConfiguration.resolve(
            overrides: [:],
            environment: ["CLICKTRAIL_ADMIN_KEYS": "env:\(Self.secret)", "CLICKTRAIL_DATABASE": folder.appendingPathComponent("db.sqlite").path])
        let (keys, created) = try AdminKeyFile.keys(for: configuration)
        #expect(keys.signingKey.kid == "env")
        #expect(!created)
        #expect(!FileManager.default.fileExists(atPath: try #require(configuration.keyFilePath)))
    }

    @Test(arguments: [("30d", 2_592_000.0), ("12h", 43_200), ("90m", 5_400), ("45s", 45)])
    func tokenLifetimesParse(_ text: String, _ seconds: Double) {
        #expect(DurationText.seconds(text) == seconds)
    }

    @Test(arguments: ["", "30", "d", "-1d", "0d", "1w", "1.5h"])
    func badDurationTextsAreRefused(_ text: String) {
        #expect(DurationText.seconds(text) == nil)
    }
}
