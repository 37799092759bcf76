import Domain
import Testing

@Suite struct SlugTests {
    @Test(arguments: ["a", "0", "summer-sale", "a_b-c", "x2024", String(repeating: "a", count: 63)])
    func acceptsSlugsOfThePattern(_ slug: String) {
        #expect(Slug.isValid(slug))
    }

    @Test(arguments: [
        "", "-a", "_a", "Abc", "aBc", "a b", "a.b", "a/b", "ä", "a\u{0}", "a%20",
        String(repeating: "a", count: 64),
    ])
    func refusesSlugsOutsideThePattern(_ slug: String) {
        #expect(!Slug.isValid(slug))
    }
}
