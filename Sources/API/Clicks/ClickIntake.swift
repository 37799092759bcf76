import Domain
import Foundation
import Storage

/// The one path every hit takes, from `/go/` or from `clicks.ingest`: find the active link,
/// check it is live, classify the hit, spend `max_clicks`, choose the URL, hand the click to the
/// writer. The two entry points differ only in where the hit's facts come from.
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
    func record(_ admission: Admission, waitingAtMost bound: Duration) async {
        if await !writer.record(admission.click, waitingAtMost: bound) { giveBack(admission) }
    }

    /// Queues the click if that needs no wait; false when the queue is full (and nothing was spent).
    func tryRecord(_ admission: Admission) -> Bool {
        if writer.tryRecord(admission.click) { return true }
        giveBack(admission)
        return false
    }

    /// Queues the click and waits until it is stored.
    func recordConfirmed(_ admission: Admission) async -> ClickWriteOutcome {
        let outcome = await writer.recordConfirmed(admission.click)
        if case .stored = outcome {} else { giveBack(admission) }
        return outcome
    }

    /// What a hit on `link` gets: the click to record and the URL to send the visitor to, or
    /// the link's state when it is not live (not started, expired, out of clicks): then nothing
    /// is recorded. The GA decision itself is the writer's: it needs the stored consent, read in
    /// the transaction.
    /// - Parameter facts: read only for a link with rules, so a plain link's redirect never looks at them.
    func admit(_ hit: Hit, to link: Link, facts: () -> RoutingFacts, at date: Date, visitor: GAVisitor?) -> Result<Admission, NotLive> {
        let state = link.state(at: date, clicksUsed: writer.allowance.spent(link))
        guard state == .live else { return .failure(NotLive(state: state)) }
        var click = ClickRecord(
            linkID: link.id, linkSlug: link.slug, occurredAt: date, verdict: classifier.classify(hit), visitor: forwardsToGA ? visitor : nil)
        if click.verdict.counted, !writer.allowance.take(link) { return .failure(NotLive(state: .exhausted)) }
        let choice = link.routing.choose(for: facts(), defaultURL: link.url) { Int.random(in: 0..<$0) }
        click.rule = choice.rule
        click.destination = choice.destination
        return .success(Admission(link: link, click: click, url: choice.url))
    }

    struct NotLive: Error {
        var state: LinkState
    }

    /// A counted click that will not be recorded returns what it spent of `max_clicks`.
    private func giveBack(_ admission: Admission) {
        if admission.click.verdict.counted { writer.allowance.giveBack(admission.link) }
    }

    struct Admission: Sendable {
        var link: Link
        var click: ClickRecord
        var url: String
    }
}
