import Domain
import Foundation
import Storage

/// The one path every hit takes, from `/go/` or from `clicks.ingest`: find the active link,
/// classify the hit, hand the click to the writer. The two entry points differ only in where
/// the hit's facts come from.
struct ClickIntake: Sendable {
    let links: CachedLinkRepository<SQLiteLinkRepository>
    let classifier: HitClassifier
    let writer: ClickWriter

    /// The link a hit on `slug` goes to; nil when the slug is malformed, unknown or inactive.
    func activeLink(slug: String) async throws -> Link? {
        guard Slug.isValid(slug), let link = try await links.redirectTarget(slug: slug), link.active else { return nil }
        return link
    }

    /// Queues the click and returns at once (the redirect never waits for the database).
    func record(_ hit: Hit, on link: Link, at date: Date) async {
        await writer.record(click(hit, on: link, at: date))
    }

    /// Queues the click and waits until it is stored.
    func recordConfirmed(_ hit: Hit, on link: Link, at date: Date) async -> (ClickRecord, ClickWriteOutcome) {
        let click = click(hit, on: link, at: date)
        return (click, await writer.recordConfirmed(click))
    }

    private func click(_ hit: Hit, on link: Link, at date: Date) -> ClickRecord {
        // Forwarding to GA is decided here once it exists (issue 5); until then nothing is forwarded.
        ClickRecord(linkID: link.id, occurredAt: date, verdict: classifier.classify(hit), gaStatus: .notApplicable)
    }
}
