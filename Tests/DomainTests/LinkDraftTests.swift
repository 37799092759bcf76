import Domain
import Testing

@Suite struct LinkDraftTests {
    private func draft(
        slug: String = "sale", name: String? = nil, url: String = "https://shop.example/x", redirectStatus: Int? = nil,
        tags: [String]? = nil
    ) throws(ValidationError) -> LinkDraft {
        try LinkDraft.validated(
            slug: slug, name: name, url: url, active: nil, redirectStatus: redirectStatus, forwardQuery: nil, tags: tags)
    }

    @Test func omittedFieldsTakeTheSpecDefaults() throws {
        let link = try draft()
        #expect(link.active)
        #expect(link.redirectStatus == 302)
        #expect(!link.forwardQuery)
        #expect(link.tags.isEmpty)
        #expect(link.name == "sale")
    }

    @Test(arguments: [301, 302, 307, 308])
    func acceptsTheFourRedirectStatuses(_ status: Int) throws {
        #expect(try draft(redirectStatus: status).redirectStatus == status)
    }

    @Test(arguments: [200, 300, 303, 304, 404, 0, -302])
    func refusesOtherRedirectStatuses(_ status: Int) {
        #expect(throws: ValidationError(field: "redirect_status", message: "must be one of 301, 302, 307, 308")) {
            try draft(redirectStatus: status)
        }
    }

    @Test func collectsEveryBadFieldAtOnce() {
        do {
            _ = try draft(slug: "Bad Slug", name: "a\nb", url: "ftp://x", redirectStatus: 200, tags: [""])
            Issue.record("expected a validation error")
        } catch {
            #expect(error.problems.map(\.field) == ["slug", "url", "name", "redirect_status", "tags[0]"])
        }
    }

    @Test func nameLengthIsLimited() throws {
        _ = try draft(name: String(repeating: "n", count: LinkDraft.maxNameLength))
        #expect(throws: ValidationError.self) { try draft(name: String(repeating: "n", count: LinkDraft.maxNameLength + 1)) }
    }

    @Test func tagsAreDeduplicatedInOrderAndBounded() throws {
        #expect(try draft(tags: ["b", "a", "b"]).tags == ["b", "a"])
        #expect(throws: ValidationError.self) { try draft(tags: [String(repeating: "t", count: LinkDraft.maxTagLength + 1)]) }
        #expect(throws: ValidationError.self) { try draft(tags: ["tab\there"]) }
        #expect(throws: ValidationError.self) { try draft(tags: (0...LinkDraft.maxTagCount).map { "t\($0)" }) }
    }
}
