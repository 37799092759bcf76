import Domain
import Testing

@Suite struct SiteHostsTests {
    @Test func plainHostsMatchAnyPortAndIgnoreCaseAndTrailingDot() throws {
        let hosts = try SiteHosts(parsing: "Example.COM")
        #expect(hosts.contains(host: "example.com", port: 443))
        #expect(hosts.contains(host: "example.com", port: 8080))
        #expect(Referer("https://EXAMPLE.com./x").map { hosts.contains(host: $0.host, port: $0.port) } == true)
        #expect(!hosts.contains(host: "www.example.com", port: 443))
        #expect(!hosts.contains(host: "example.com.evil.test", port: 443))
    }

    @Test func wildcardsMatchSubdomainsOnly() throws {
        let hosts = try SiteHosts(parsing: "*.example.com")
        #expect(hosts.contains(host: "www.example.com", port: 443))
        #expect(hosts.contains(host: "a.b.example.com", port: 443))
        #expect(!hosts.contains(host: "example.com", port: 443))
        #expect(!hosts.contains(host: "badexample.com", port: 443))
    }

    @Test func aPortNarrowsTheMatchToThatPortOrTheSchemesDefault() throws {
        let hosts = try SiteHosts(parsing: "example.com:8443, shop.example:443")
        #expect(hosts.contains(host: "example.com", port: 8443))
        #expect(!hosts.contains(host: "example.com", port: 443))
        let https = try #require(Referer("https://shop.example/cart"))
        #expect(hosts.contains(host: https.host, port: https.port))
        let http = try #require(Referer("http://shop.example/cart"))
        #expect(!hosts.contains(host: http.host, port: http.port))
    }

    @Test func aListMatchesAnyOfItsEntries() throws {
        let hosts = try SiteHosts(parsing: "example.com, *.example.com ,blog.example.net,")
        #expect(hosts.contains(host: "example.com", port: 80))
        #expect(hosts.contains(host: "cdn.example.com", port: 80))
        #expect(hosts.contains(host: "blog.example.net", port: 80))
    }

    @Test func theRequestHostIsTheSiteWhenNoneIsConfigured() {
        let hosts = SiteHosts(requestHost: "Shop.Example:8080")
        #expect(hosts.contains(host: "shop.example", port: 443))
        #expect(!hosts.contains(host: "other.example", port: 443))
    }

    @Test(arguments: ["https://example.com", "example.com/path", "*", "*.", "ex*mple.com", "[::1", "example.com:http"])
    func malformedEntriesAreRefused(_ entry: String) {
        #expect(throws: ValidationError.self) { try SiteHosts(parsing: entry) }
    }

    @Test func ipv6LiteralsWork() throws {
        let hosts = try SiteHosts(parsing: "[::1]:8080")
        let referer = try #require(Referer("http://[::1]:8080/page"))
        #expect(hosts.contains(host: referer.host, port: referer.port))
    }
}
