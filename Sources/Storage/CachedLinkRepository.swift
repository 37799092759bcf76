import Domain
import Synchronization

/// Links as the redirect needs them, served from memory: a redirect must not wait for the
/// database (docs/performance.md: reading per request cost three quarters of the throughput).
/// Every write through this repository invalidates what it touched; reads for the admin API
/// (`find`, `list`) go to the database so they show fresh click counts.
///
/// Instances sharing a database hear of each other's writes through the storage's link change
/// feed, which calls `apply(_:)`.
package final class CachedLinkRepository: LinkRepository {
    private struct State {
        var links: [String: Link] = [:]
        /// Slugs recently found missing. Probes for random slugs would otherwise each cost a
        /// database read; bounded so they cannot grow memory either.
        var missing: Set<String> = []
        /// Bumped by every invalidation, so a read that raced with a write does not cache the old link.
        var generation: UInt64 = 0
    }

    private let base: any LinkRepository
    private let state = Mutex(State())

    package init(_ base: any LinkRepository) {
        self.base = base
    }

    static var maxMissing: Int { 10_000 }

    /// The link behind `/go/<slug>`, from memory after the first read.
    package func redirectTarget(slug: String) async throws -> Link? {
        let (cached, knownMissing, generation) = state.withLock { ($0.links[slug], $0.missing.contains(slug), $0.generation) }
        if let cached { return cached }
        if knownMissing { return nil }
        let link = try await base.find(slug: slug)
        state.withLock { state in
            guard state.generation == generation else { return }
            if let link {
                state.links[slug] = link
            } else {
                if state.missing.count >= Self.maxMissing { state.missing.removeAll(keepingCapacity: true) }
                state.missing.insert(slug)
            }
        }
        return link
    }

    /// The link behind `/go/<slug>` if it is in memory; nil says nothing about the database.
    /// For callers that cannot wait for a read (the redirect's channel handler).
    package func cachedRedirectTarget(slug: String) -> Link? {
        state.withLock { $0.links[slug] }
    }

    package func list(_ filter: LinkFilter, after: Int64?, limit: Int) async throws -> Page<Link> {
        try await base.list(filter, after: after, limit: limit)
    }

    package func find(slug: String) async throws -> Link? {
        try await base.find(slug: slug)
    }

    package func create(_ draft: LinkDraft) async throws -> Link {
        defer { invalidate(draft.slug) }
        return try await base.create(draft)
    }

    package func upsert(_ draft: LinkDraft) async throws -> (Link, UpsertOutcome) {
        defer { invalidate(draft.slug) }
        return try await base.upsert(draft)
    }

    package func update(slug: String, to draft: LinkDraft) async throws -> Link? {
        defer { invalidate(slug, draft.slug) }
        return try await base.update(slug: slug, to: draft)
    }

    package func importLinks(_ drafts: [LinkDraft], replacing: Bool, allOrNothing: Bool) async throws -> [LinkImportOutcome] {
        defer { invalidate(drafts.map(\.slug)) }
        return try await base.importLinks(drafts, replacing: replacing, allOrNothing: allOrNothing)
    }

    package func delete(slug: String) async throws -> Bool {
        defer { invalidate(slug) }
        return try await base.delete(slug: slug)
    }

    /// Forgets what a change elsewhere made stale.
    package func apply(_ change: LinkChange) {
        switch change {
        case .slug(let slug):
            invalidate(slug)
        case .everything:
            state.withLock { state in
                state.links.removeAll()
                state.missing.removeAll()
                state.generation &+= 1
            }
        }
    }

    private func invalidate(_ slugs: String...) {
        invalidate(slugs)
    }

    private func invalidate(_ slugs: [String]) {
        state.withLock { state in
            for slug in slugs {
                state.links.removeValue(forKey: slug)
                state.missing.remove(slug)
            }
            state.generation &+= 1
        }
    }
}
