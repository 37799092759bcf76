import Domain
import Testing

@Suite struct PrefetchAndLocationTests {
    @Test(arguments: ["prefetch", "prefetch;prerender", "Prefetch; anonymous-client-ip", "prerender", "preview"])
    func speculativePurposesAreRecognised(_ value: String) {
        #expect(Prefetch.isSpeculative(value))
    }

    @Test(arguments: ["", "navigate", "document"])
    func otherPurposesAreNot(_ value: String) {
        #expect(!Prefetch.isSpeculative(value))
    }

    @Test func theHeadersBrowsersUseAreAllChecked() {
        #expect(Set(Prefetch.headerNames) == ["sec-purpose", "purpose", "x-purpose", "x-moz"])
    }

    @Test func withoutAForwardedQueryTheDestinationIsUnchanged() {
        #expect(RedirectLocation.build(destination: "https://shop.example/p?a=1#top", forwardedQuery: nil) == "https://shop.example/p?a=1#top")
        #expect(RedirectLocation.build(destination: "https://shop.example/p", forwardedQuery: "") == "https://shop.example/p")
    }

    @Test func theForwardedQueryJoinsTheDestinationsQueryBeforeItsFragment() {
        #expect(RedirectLocation.build(destination: "https://shop.example/p", forwardedQuery: "utm_source=x") == "https://shop.example/p?utm_source=x")
        #expect(RedirectLocation.build(destination: "https://shop.example/p?a=1", forwardedQuery: "b=2") == "https://shop.example/p?a=1&b=2")
        #expect(RedirectLocation.build(destination: "https://shop.example/p?", forwardedQuery: "b=2") == "https://shop.example/p?b=2")
        #expect(RedirectLocation.build(destination: "https://shop.example/p#top", forwardedQuery: "b=2") == "https://shop.example/p?b=2#top")
    }

    @Test func bytesThatDoNotBelongInAQueryAreEncoded() {
        #expect(RedirectLocation.build(destination: "https://s.example/", forwardedQuery: "a=b c\r\nSet-Cookie:x\"<>") ==
            "https://s.example/?a=b%20c%0D%0ASet-Cookie:x%22%3C%3E")
        #expect(RedirectLocation.build(destination: "https://s.example/", forwardedQuery: "q=caf\u{E9}") == "https://s.example/?q=caf%C3%A9")
    }
}
