import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// What another instance (or this one) changed about links, as the link cache needs to hear it.
package enum LinkChange: Sendable, Equatable {
    case slug(String)
    /// Changes may have been missed (the feed was down): forget every cached link.
    case everything
}

/// The channel link writes notify, with the writing instance and the slug as payload
/// ("<instance> <slug>"; slugs hold no spaces). A notification is delivered when the writing
/// transaction commits, and only then.
enum LinkChangeChannel {
    static let name = "clicktrail_links"

    static func notify(_ slug: String, from instance: String, _ connection: PostgresConnection, logger: Logger) async throws {
        try await connection.execute("SELECT pg_notify(\(name), \(instance + " " + slug))", logger: logger)
    }

    /// The slug a notification names, nil for this instance's own writes: its cache forgot
    /// them when it made them, and forgetting again could drop a link read since.
    static func slug(in payload: String, ownInstance: String) -> String? {
        let parts = payload.split(separator: " ", maxSplits: 1)
        guard parts.count == 2 else { return payload }
        return parts[0] == ownInstance ? nil : String(parts[1])
    }
}

/// Whether the feed is listening: until it is, this instance could miss another's link change,
/// so it does not report itself ready.
package final class LinkFeedStatus: Sendable {
    private let listening = Atomic<Bool>(false)

    package init() {}

    package var isListening: Bool { listening.load(ordering: .relaxed) }

    func set(listening value: Bool) { listening.store(value, ordering: .relaxed) }
}

/// Listens for link changes on one pooled connection for the life of the service, and
/// reconnects when that connection is lost. Each (re)subscription first reports `.everything`:
/// notifications sent while it was not listening are gone. While the database is away the
/// cache is kept, so cached slugs keep redirecting.
package struct LinkChangeFeed: Service {
    let database: PostgreSQLDatabase
    let status: LinkFeedStatus
    let onChange: @Sendable (LinkChange) -> Void
    let logger: Logger
    let retryDelay: Duration

    package init(
        database: PostgreSQLDatabase, status: LinkFeedStatus = LinkFeedStatus(), retryDelay: Duration = .seconds(1), logger: Logger,
        onChange: @escaping @Sendable (LinkChange) -> Void
    ) {
        self.database = database
        self.status = status
        self.retryDelay = retryDelay
        self.logger = logger
        self.onChange = onChange
    }

    package func run() async throws {
        let onChange = onChange
        let status = status
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown {
                    try await database.withConnection(runningAtMost: nil) { connection in
                        try await connection.listen(on: LinkChangeChannel.name) { notifications in
                            onChange(.everything)
                            status.set(listening: true)
                            for try await notification in notifications {
                                if let slug = LinkChangeChannel.slug(in: notification.payload, ownInstance: database.instanceID) {
                                    onChange(.slug(slug))
                                }
                            }
                        }
                    }
                }
            } catch {
                status.set(listening: false)
                if Task.isCancelled || Task.isShuttingDownGracefully { return }
                logger.warning(
                    "link change feed lost; reconnecting, and the link cache starts afresh once it is back",
                    metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: retryDelay) }
        }
    }
}
