/// Which links a listing returns; nil means "no filter".
public struct LinkFilter: Sendable, Equatable {
    public var active: Bool?
    public var tag: String?
    /// Case-insensitive substring of slug, name or url.
    public var text: String?

    public init(active: Bool? = nil, tag: String? = nil, text: String? = nil) {
        self.active = active
        self.tag = tag
        self.text = text
    }
}

/// One page of a keyset-paginated listing: `nextAfter` is the key to continue from, nil at the end.
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var nextAfter: Int64?

    public init(items: [Item], nextAfter: Int64?) {
        self.items = items
        self.nextAfter = nextAfter
    }
}

/// Whether a create-or-replace created the link or replaced an existing one.
public enum UpsertOutcome: Sendable, Equatable {
    case created
    case replaced
}

/// What a bulk import did with one link.
public enum LinkImportOutcome: Sendable, Equatable {
    case created
    case replaced
    /// Its slug exists and the import does not replace: not written.
    case taken
}

public enum LinkRepositoryError: Error, Sendable, Equatable {
    case slugTaken(String)
}

/// Storage of links. Not-found is nil or false, never an error.
public protocol LinkRepository: Sendable {
    /// Links in ascending id order after the id `after`, at most `limit` of them.
    func list(_ filter: LinkFilter, after: Int64?, limit: Int) async throws -> Page<Link>
    func find(slug: String) async throws -> Link?
    /// Throws `LinkRepositoryError.slugTaken` when the slug exists.
    func create(_ draft: LinkDraft) async throws -> Link
    /// Creates the link under `draft.slug` or replaces every editable field of it, keeping its
    /// id, click count and creation time.
    func upsert(_ draft: LinkDraft) async throws -> (Link, UpsertOutcome)
    /// Replaces the link called `slug` with `draft` (which may rename it); nil when `slug` does not exist.
    /// Throws `LinkRepositoryError.slugTaken` when renaming onto an existing slug.
    func update(slug: String, to draft: LinkDraft) async throws -> Link?
    /// Deletes the link and, through the database, everything recorded for it.
    func delete(slug: String) async throws -> Bool
    /// Writes many links (distinct slugs) in one transaction: each is created, replaced (when
    /// `replacing`) or reported taken. With `allOrNothing`, a taken slug writes nothing at all.
    func importLinks(_ drafts: [LinkDraft], replacing: Bool, allOrNothing: Bool) async throws -> [LinkImportOutcome]
}
