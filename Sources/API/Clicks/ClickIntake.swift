import Domain
import Foundation
import Storage

/// The one path every hit takes, from `/go/` or from `clicks.ingest`: find the active link,
/// classify the hit, hand the click to the writer. The two entry points differ only in where
/// the hit's facts come from.
struct ClickIntake: Sendable {
    let links: CachedLinkRepository
    let classifier: HitClassifier
    let writer: ClickWriter
    /// Whether GA forwarding is configured; when it is not, visitors are not even read.
    let forwardsToGA: Bool

    /// The link a hit on `slug` goes to; nil when the slug is malformed, unknown or inactive.
    func activeLink(slug: String) async throws -> Link? {
        guard Slug.isValid(slug), let link = try await links.redirectTarget(slug: slug), link.active else { return nil }
        return link
    }

    /// The active link behind `slug` when memory knows it, for a caller that cannot wait for a read.
    func cachedActiveLink(slug: String) -> Link? {
        guard let link = links.cachedRedirectTarget(slug: slug), link.active else { return nil }
        return link
    }

    /// Queues the click, waiting at most `bound` for room when the writer's queue is full; a
    /// click that finds no room by then is dropped (counted and logged by the writer).
    func record(_ click: ClickRecord, waitingAtMost bound: Duration) async {
        await writer.record(click, waitingAtMost: bound)
    }

    /// Queues the click if that needs no wait; false when the queue is full.
    func tryRecord(_ click: ClickRecord) -> Bool {
        writer.tryRecord(click)
    }

    /// Queues the click and waits until it is stored.
    func recordConfirmed(_ hit: Hit, on link: Link, at date: Date, visitor: GAVisitor?) async -> (ClickRecord, ClickWriteOutcome) {
        let click = click(hit, on: link, at: date, visitor: visitor)
        return (click, await writer.recordConfirmed(click))
    }

    /// The click a hit makes, not yet queued. The GA decision itself is the writer's: it needs
    /// the stored consent, read in the transaction.
    func click(_ hit: Hit, on link: Link, at date: Date, visitor: GAVisitor?) -> ClickRecord {
        ClickRecord(
            linkID: link.id, linkSlug: link.slug, occurredAt: date, verdict: classifier.classify(hit),
            visitor: forwardsToGA ? visitor : nil)
    }
}
