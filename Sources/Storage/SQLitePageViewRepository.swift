import Domain
import Foundation
import GRDB

/// Counted page views, one counter per path and quarter hour.
package struct SQLitePageViewRepository: PageViewRepository {
    private let database: AppDatabase

    package init(database: AppDatabase) {
        self.database = database
    }

    package func recordView(path: String, at date: Date) async throws {
        try await database.writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO pageview_bucket (path, bucket_start, views) VALUES (?, ?, 1)
                    ON CONFLICT (path, bucket_start) DO UPDATE SET views = views + 1
                    """,
                arguments: [path, QuarterHour.start(of: EpochMillis.from(date))])
        }
    }
}
