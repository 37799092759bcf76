import Domain
import Foundation
import GRDB

/// Fills a database with a `DemoPlan`: the links (reused when their slug exists), then one
/// transaction per hour through the click writer's own insert, so counters, aggregates and
/// the raw log agree exactly as for served clicks.
package struct DemoDataLoader {
    package struct Summary: Sendable, Equatable {
        package var links: Int
        package var clicks: Int
        package var pageViews: Int
        package var from: Date
        package var to: Date
    }

    let database: AppDatabase

    package init(database: AppDatabase) {
        self.database = database
    }

    /// `progress` is told the number of clicks written after every hour.
    package func load(_ plan: DemoPlan, progress: (Int) -> Void = { _ in }) async throws -> Summary {
        let linkIDs = try await createLinks(plan)
        let mix = DemoMix(plan: plan, linkIDs: linkIDs)
        var clicks = 0
        var pageViews = 0
        for index in 0..<plan.hours {
            let hour = mix.hour(index)
            try await database.writer.write { db in
                _ = try SQLiteClickStore.insert(hour.clicks, db)
                for view in hour.pageViews {
                    try SQLitePageViewRepository.addViews(view.views, path: view.path, at: view.at, db)
                }
            }
            clicks += hour.clicks.count
            pageViews += hour.pageViews.reduce(0) { $0 + $1.views }
            progress(clicks)
        }
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
        return try await database.writer.write { db in
            try drafts.map { draft in
                if let id = try Int64.fetchOne(db, sql: "SELECT id FROM link WHERE slug = ?", arguments: [draft.slug]) { return id }
                var record = LinkRecord(draft: draft, now: Date())
                try record.insert(db)
                return record.link.id
            }
        }
    }
}
