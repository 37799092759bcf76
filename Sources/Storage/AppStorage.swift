import Domain
import Foundation
import GRDB
import Logging
import ServiceLifecycle

/// Everything the service keeps, behind the domain's repository protocols: what the API layer
/// is built from. `AppStorage.open(location:)` picks the backend from the configured location,
/// so no backend type is named above this layer.
package struct AppStorage: Sendable {
    package var links: any LinkRepository
    package var leads: any LeadRepository
    package var consents: any ConsentRepository
    package var pageViews: any PageViewRepository
    package var outbox: any OutboxRepository
    package var stats: any StatsRepository
    package var clickLog: any ClickLogRepository
    /// Where the click writer puts its batches.
    package var clicks: any ClickStore
    /// Whether the database answers a trivial query: what `/readyz` reports.
    package var isReachable: @Sendable () async -> Bool
    /// The backend's own long-lived work (the retention of raw clicks), run beside the server.
    package var services: @Sendable (_ retentionDays: Int, _ logger: Logger) -> [any Service]
}

extension AppStorage {
    /// The SQLite backend over `database`.
    package static func sqlite(_ database: AppDatabase) -> AppStorage {
        AppStorage(
            links: SQLiteLinkRepository(database: database), leads: SQLiteLeadRepository(database: database),
            consents: SQLiteConsentRepository(database: database), pageViews: SQLitePageViewRepository(database: database),
            outbox: SQLiteOutboxRepository(database: database), stats: SQLiteStatsRepository(database: database),
            clickLog: SQLiteClickLogRepository(database: database), clicks: SQLiteClickStore(database: database),
            isReachable: { await database.isReachable() },
            services: { retentionDays, logger in [ClickRetention(database: database, retentionDays: retentionDays, logger: logger)] })
    }

    /// The storage at `location`: a SQLite file path (created with its folder when missing,
    /// migrations applied), or a PostgreSQL URL, which this version refuses.
    package static func open(location: String) throws -> AppStorage {
        guard !isPostgreSQL(location) else { throw StorageLocationError.postgreSQLNotSupported }
        return .sqlite(try AppDatabase.open(path: location))
    }

    /// Whether `error` came from the database (counted in `clicktrail_database_errors_total`).
    package static func isDatabaseError(_ error: any Error) -> Bool {
        error is DatabaseError
    }

    package static func isPostgreSQL(_ location: String) -> Bool {
        location.hasPrefix("postgres://") || location.hasPrefix("postgresql://")
    }
}

package enum StorageLocationError: Error, CustomStringConvertible {
    case postgreSQLNotSupported

    package var description: String {
        "CLICKTRAIL_DATABASE: PostgreSQL is not supported yet; give a SQLite file path"
    }
}
