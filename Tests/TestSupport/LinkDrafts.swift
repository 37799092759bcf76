import Domain

/// A valid link draft, the optional fields left to their defaults unless given.
package func draft(_ slug: String, url: String = "https://shop.example/p", name: String? = nil, active: Bool? = nil, tags: [String]? = nil)
    throws -> LinkDraft
{
    try LinkDraft.validated(
        slug: slug, name: name, url: url, active: active, redirectStatus: nil, forwardQuery: nil, tags: tags)
}
