import Domain
import Testing

@Suite struct DestinationURLTests {
    @Test(arguments: [
        "https://merchant.example/product?id=1&ref=x", "http://example.com", "HTTPS://EXAMPLE.COM/a#frag",
        "https://example.com:8443/path", "http://127.0.0.1:8080/x", "https://example.com:65535/", "https://example.com/caf%C3%A9?q=a+b",
        "https://example.com?utm_source=news",
    ])
    func acceptsAbsoluteHTTPURLs(_ url: String) {
        #expect(DestinationURL.problem(with: url) == nil)
    }

    @Test(arguments: [
        "", "javascript:alert(1)", "ftp://example.com/file", "//example.com/path", "/relative", "example.com",
        "mailto:a@example.com", "data:text/html,hi", "https://", "http:///path",
        "https://bank.example@evil.example/", "https://example.com/ü", "https://-example.com/",
        "http://[f42BE]/", "http://[::1]:8080/x", "https://example.com:65536/", "https://example.com:99999/",
    ])
    func refusesOtherSchemesAndRelativeURLs(_ url: String) {
        #expect(DestinationURL.problem(with: url) != nil)
    }

    @Test(arguments: ["https://example.com/\r\nSet-Cookie: a=b", "https://example.com/\u{0}", "https://example.com/\t",
                      "https://example.com/\u{7F}", "https://example.com/\u{85}", "https://exa mple.com/"])
    func refusesControlCharactersAndSpaces(_ url: String) {
        #expect(DestinationURL.problem(with: url) != nil)
    }

    @Test func acceptsExactlyTheMaximumLength() {
        let prefix = "https://example.com/"
        let atLimit = prefix + String(repeating: "a", count: DestinationURL.maxLength - prefix.count)
        #expect(DestinationURL.problem(with: atLimit) == nil)
        #expect(DestinationURL.problem(with: atLimit + "a") != nil)
    }
}
