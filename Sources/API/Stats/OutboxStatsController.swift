import Domain
import Foundation
import Hummingbird

/// `GET /api/v1/stats/outbox`: how many GA events wait, went, were refused or expired — the
/// first thing to check when GA shows fewer clicks than Clicktrail.
struct OutboxStatsController {
    let outbox: any OutboxRepository

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.get("stats/outbox", use: counts)
    }

    struct Counts: ResponseEncodable {
        var queued: Int
        var sent: Int
        var failed: Int
        var dead: Int
        /// When the longest-waiting event happened; `null` (not absent) when none waits.
        @NullWhenAbsent var oldest_queued_at: String?
    }

    @Sendable func counts(_ request: Request, context: AuthenticatedContext) async throws -> Counts {
        try context.principal.require(.statsRead)
        let counts = try await outbox.counts()
        return Counts(
            queued: counts.queued, sent: counts.sent, failed: counts.failed, dead: counts.dead,
            oldest_queued_at: counts.oldestQueued.map(Timestamp.format))
    }
}
