import Domain
import Foundation

/// Fills a database with a `DemoPlan`: the links (reused when their slug exists), then the
/// hours' clicks in batches of the click writer's own store, so counters, aggregates and the raw
/// log agree exactly as for served clicks, on either backend. Quiet hours are gathered into one
/// batch: every batch costs a round of statements, however few clicks it holds.
package struct DemoDataLoader {
    package struct Summary: Sendable, Equatable {
        package var links: Int
        package var clicks: Int
        package var pageViews: Int
        package var from: Date
        package var to: Date
    }

    let storage: AppStorage
    /// Page-view rows (path and quarter hour) per batch.
    static let viewBatch = 5_000

    package init(storage: AppStorage) {
        self.storage = storage
    }

    /// `progress` is told the number of clicks written after every batch.
    package func load(_ plan: DemoPlan, progress: (Int) -> Void = { _ in }) async throws -> Summary {
        let linkIDs = try await createLinks(plan)
        let mix = DemoMix(plan: plan, linkIDs: linkIDs)
        var clicks = 0
        var pageViews = 0
        var pendingClicks: [ClickRecord] = []
        var pendingViews: [(path: String, at: Int64, views: Int)] = []
        func flush() async throws {
            if !pendingClicks.isEmpty { _ = try await storage.clicks.store(pendingClicks) }
            if !pendingViews.isEmpty { try await storage.addPageViews(pendingViews) }
            clicks += pendingClicks.count
            pendingClicks.removeAll(keepingCapacity: true)
            pendingViews.removeAll(keepingCapacity: true)
            progress(clicks)
        }
        for index in 0..<plan.hours {
            let hour = mix.hour(index)
            pendingClicks += hour.clicks
            pendingViews += hour.pageViews
            pageViews += hour.pageViews.reduce(0) { $0 + $1.views }
            if pendingClicks.count >= storage.clicks.batchSize || pendingViews.count >= Self.viewBatch { try await flush() }
        }
        try await flush()
        return Summary(
            links: linkIDs.count, clicks: clicks, pageViews: pageViews, from: plan.firstHour,
            to: plan.firstHour.addingTimeInterval(Double(plan.hours) * 3_600))
    }

    private func createLinks(_ plan: DemoPlan) async throws -> [Int64] {
        let drafts = try plan.slugs.map { slug throws in
            try LinkDraft.validated(
                slug: slug, name: "Demo offer \(slug.dropFirst(5))", url: "https://shop.example/products/\(slug.dropFirst(5))",
                active: true, redirectStatus: nil, forwardQuery: nil, tags: ["demo"])
        }
        var ids: [Int64] = []
        for draft in drafts {
            if let existing = try await storage.links.find(slug: draft.slug) {
                ids.append(existing.id)
            } else {
                ids.append(try await storage.links.create(draft).id)
            }
        }
        return ids
    }
}
