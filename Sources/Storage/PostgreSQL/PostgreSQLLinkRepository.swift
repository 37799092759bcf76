import Domain
import Foundation
import PostgresNIO

/// Links in PostgreSQL. Every write notifies `LinkChangeChannel.name` with the slugs it touched,
/// in its transaction, so every instance's link cache hears of it when it commits.
package struct PostgreSQLLinkRepository: LinkRepository {
    private let database: PostgreSQLDatabase
    private let now: @Sendable () -> Date

    package init(database: PostgreSQLDatabase, now: @escaping @Sendable () -> Date = Date.init) {
        self.database = database
        self.now = now
    }

    static let columns = "id, slug, name, url, active, redirect_status, forward_query, tags::text AS tags, click_count, created_at, updated_at, "
        + LinkRoutingColumns.names.joined(separator: ", ")

    package func list(_ filter: LinkFilter, after: Int64?, limit: Int) async throws -> Page<Link> {
        guard PostgreSQLText.canBeStored(filter.tag, filter.text) else { return Page(items: [], nextAfter: nil) }
        var query: PostgresQuery = "SELECT \(unescaped: Self.columns) FROM link WHERE id > \(after ?? 0)"
        var sql = query.sql
        var binds = query.binds
        if let active = filter.active {
            binds.append(active)
            sql += " AND active = $\(binds.count)"
        }
        if let tag = filter.tag {
            binds.append(tag)
            sql += " AND tags ? $\(binds.count)"
        }
        if let text = filter.text, !text.isEmpty {
            binds.append("%" + LikePattern.escaped(text) + "%")
            sql += " AND (slug ILIKE $\(binds.count) OR name ILIKE $\(binds.count) OR url ILIKE $\(binds.count))"
        }
        // One row more than asked tells whether another page exists without a COUNT.
        binds.append(limit + 1)
        sql += " ORDER BY id LIMIT $\(binds.count)"
        query = PostgresQuery(unsafeSQL: sql, binds: binds)
        let logger = database.logger
        let links = try await database.withConnection { [query] connection in
            try await connection.rows(query, logger: logger, Self.link)
        }
        let page = Array(links.prefix(limit))
        return Page(items: page, nextAfter: links.count > limit ? page.last?.id : nil)
    }

    package func find(slug: String) async throws -> Link? {
        guard PostgreSQLText.canBeStored(slug) else { return nil }
        let logger = database.logger
        return try await database.withConnection { connection in
            try await connection.rows("SELECT \(unescaped: Self.columns) FROM link WHERE slug = \(slug)", logger: logger, Self.link).first
        }
    }

    package func create(_ draft: LinkDraft) async throws -> Link {
        let routing = LinkRoutingColumns(draft.schedule, draft.routing)
        let now = now().epochMillis
        let logger = database.logger
        let instance = database.instanceID
        return try await refusingTakenSlug(draft.slug) {
            try await database.withTransaction { connection in
                let link = try await connection.rows(
                    """
                    INSERT INTO link (slug, name, url, active, redirect_status, forward_query, tags, created_at, updated_at,
                        starts_at, expires_at, max_clicks, expired_url, destinations, rules)
                    VALUES (\(draft.slug), \(draft.name), \(draft.url), \(draft.active), \(draft.redirectStatus), \(draft.forwardQuery),
                        \(LinkTags.encode(draft.tags))::jsonb, \(now), \(now), \(routing.startsAt), \(routing.expiresAt),
                        \(routing.maxClicks), \(routing.expiredURL), \(routing.destinations), \(routing.rules))
                    RETURNING \(unescaped: Self.columns)
                    """, logger: logger, Self.link)[0]
                try await LinkChangeChannel.notify(draft.slug, from: instance, connection, logger: logger)
                return link
            }
        }
    }

    package func upsert(_ draft: LinkDraft) async throws -> (Link, UpsertOutcome) {
        let routing = LinkRoutingColumns(draft.schedule, draft.routing)
        let now = now().epochMillis
        let logger = database.logger
        let instance = database.instanceID
        return try await database.withTransaction { connection in
            // xmax = 0 only on a row this statement inserted: the cheapest way to tell created from replaced.
            let rows = try await connection.rows(
                """
                INSERT INTO link (slug, name, url, active, redirect_status, forward_query, tags, created_at, updated_at,
                    starts_at, expires_at, max_clicks, expired_url, destinations, rules)
                VALUES (\(draft.slug), \(draft.name), \(draft.url), \(draft.active), \(draft.redirectStatus), \(draft.forwardQuery),
                    \(LinkTags.encode(draft.tags))::jsonb, \(now), \(now), \(routing.startsAt), \(routing.expiresAt),
                    \(routing.maxClicks), \(routing.expiredURL), \(routing.destinations), \(routing.rules))
                ON CONFLICT (slug) DO UPDATE SET name = excluded.name, url = excluded.url, active = excluded.active,
                    redirect_status = excluded.redirect_status, forward_query = excluded.forward_query, tags = excluded.tags,
                    updated_at = excluded.updated_at, starts_at = excluded.starts_at, expires_at = excluded.expires_at,
                    max_clicks = excluded.max_clicks, expired_url = excluded.expired_url, destinations = excluded.destinations,
                    rules = excluded.rules
                RETURNING \(unescaped: Self.columns), (xmax = 0) AS inserted
                """, logger: logger
            ) { row in (try Self.link(row), try row["inserted"].decode(Bool.self)) }
            try await LinkChangeChannel.notify(draft.slug, from: instance, connection, logger: logger)
            return (rows[0].0, rows[0].1 ? .created : .replaced)
        }
    }

    package func update(slug: String, to draft: LinkDraft) async throws -> Link? {
        guard PostgreSQLText.canBeStored(slug) else { return nil }
        let routing = LinkRoutingColumns(draft.schedule, draft.routing)
        let now = now().epochMillis
        let logger = database.logger
        let instance = database.instanceID
        return try await refusingTakenSlug(draft.slug) {
            try await database.withTransaction { connection in
                guard let link = try await connection.rows(
                    """
                    UPDATE link SET slug = \(draft.slug), name = \(draft.name), url = \(draft.url), active = \(draft.active),
                        redirect_status = \(draft.redirectStatus), forward_query = \(draft.forwardQuery),
                        tags = \(LinkTags.encode(draft.tags))::jsonb, updated_at = \(now), starts_at = \(routing.startsAt),
                        expires_at = \(routing.expiresAt), max_clicks = \(routing.maxClicks), expired_url = \(routing.expiredURL),
                        destinations = \(routing.destinations), rules = \(routing.rules)
                    WHERE slug = \(slug)
                    RETURNING \(unescaped: Self.columns)
                    """, logger: logger, Self.link
                ).first else { return nil }
                try await LinkChangeChannel.notify(slug, from: instance, connection, logger: logger)
                if draft.slug != slug { try await LinkChangeChannel.notify(draft.slug, from: instance, connection, logger: logger) }
                return link
            }
        }
    }

    /// Deletes the link with its clicks and aggregates; the raw clicks go first, in batches of
    /// their own transactions, so no transaction holds locks for minutes.
    package func delete(slug: String) async throws -> Bool {
        guard PostgreSQLText.canBeStored(slug) else { return false }
        let logger = database.logger
        let instance = database.instanceID
        guard let id = try await database.withConnection({ connection in
            try await connection.rows("SELECT id FROM link WHERE slug = \(slug)", logger: logger) { try $0["id"].decode(Int64.self) }.first
        }) else { return false }
        let batch = LinkDeletion.clickBatch
        while try await database.withConnection({ connection in
            try await connection.integer(
                """
                WITH gone AS (DELETE FROM click WHERE id IN (SELECT id FROM click WHERE link_id = \(id) LIMIT \(batch)) RETURNING 1)
                SELECT COUNT(*) FROM gone
                """, logger: logger)
        }) == batch {}
        return try await database.withTransaction { connection in
            // The row lock waits for click batches of this link in flight (they share-lock it)
            // and holds back new ones, so the subtraction sees every bucket, and the clicks
            // written since the batched deletes above go too.
            try await connection.execute("SELECT id FROM link WHERE id = \(id) FOR UPDATE", logger: logger)
            try await connection.execute("DELETE FROM click WHERE link_id = \(id)", logger: logger)
            for statement in LinkDeletion.subtractFromSite(linkIDPlaceholder: "$1") {
                var binds = PostgresBindings()
                binds.append(id)
                try await connection.execute(PostgresQuery(unsafeSQL: statement, binds: binds), logger: logger)
            }
            let deleted = try await connection.integer(
                "WITH gone AS (DELETE FROM link WHERE id = \(id) RETURNING 1) SELECT COUNT(*) FROM gone", logger: logger)
            try await LinkChangeChannel.notify(slug, from: instance, connection, logger: logger)
            return deleted > 0
        }
    }

    /// One statement for the whole file: the rows travel as JSON, `ON CONFLICT` decides created,
    /// replaced or taken, and one more statement notifies every instance of every slug.
    package func importLinks(_ drafts: [LinkDraft], replacing: Bool, allOrNothing: Bool) async throws -> [LinkImportOutcome] {
        guard !drafts.isEmpty else { return [] }
        struct Row: Encodable {
            var slug, name, url: String
            var active: Bool
            var redirect_status: Int
            var forward_query: Bool
            var tags: String
            var starts_at, expires_at, max_clicks: Int64?
            var expired_url, destinations, rules: String?
        }
        let rows = drafts.map { draft in
            let routing = LinkRoutingColumns(draft.schedule, draft.routing)
            return Row(
                slug: draft.slug, name: draft.name, url: draft.url, active: draft.active, redirect_status: draft.redirectStatus,
                forward_query: draft.forwardQuery, tags: LinkTags.encode(draft.tags), starts_at: routing.startsAt, expires_at: routing.expiresAt,
                max_clicks: routing.maxClicks, expired_url: routing.expiredURL, destinations: routing.destinations, rules: routing.rules)
        }
        let now = now().epochMillis
        let logger = database.logger
        let instance = database.instanceID
        let conflict =
            replacing
            ? """
            DO UPDATE SET name = excluded.name, url = excluded.url, active = excluded.active, redirect_status = excluded.redirect_status,
                forward_query = excluded.forward_query, tags = excluded.tags, updated_at = excluded.updated_at, starts_at = excluded.starts_at,
                expires_at = excluded.expires_at, max_clicks = excluded.max_clicks, expired_url = excluded.expired_url,
                destinations = excluded.destinations, rules = excluded.rules
            """ : "DO NOTHING"
        struct Refused: Error { var outcomes: [LinkImportOutcome] }
        do {
            return try await database.withTransaction { connection in
                let written = try await connection.rows(
                    """
                    INSERT INTO link (slug, name, url, active, redirect_status, forward_query, tags, created_at, updated_at,
                        starts_at, expires_at, max_clicks, expired_url, destinations, rules)
                    SELECT slug, name, url, active, redirect_status, forward_query, tags::jsonb, \(now), \(now),
                        starts_at, expires_at, max_clicks, expired_url, destinations, rules
                    FROM json_to_recordset(\(try JSONRows.encode(rows))::json) AS t(slug TEXT, name TEXT, url TEXT, active BOOLEAN,
                        redirect_status INTEGER, forward_query BOOLEAN, tags TEXT, starts_at BIGINT, expires_at BIGINT, max_clicks BIGINT,
                        expired_url TEXT, destinations TEXT, rules TEXT)
                    ON CONFLICT (slug) \(unescaped: conflict)
                    RETURNING slug, (xmax = 0) AS inserted
                    """, logger: logger
                ) { (try $0["slug"].decode(String.self), try $0["inserted"].decode(Bool.self)) }
                let inserted = Dictionary(written, uniquingKeysWith: { first, _ in first })
                let outcomes = drafts.map { draft -> LinkImportOutcome in
                    guard let created = inserted[draft.slug] else { return .taken }
                    return created ? .created : .replaced
                }
                if allOrNothing, outcomes.contains(.taken) { throw Refused(outcomes: outcomes) }
                try await connection.execute(
                    "SELECT pg_notify(\(LinkChangeChannel.name), \(instance) || ' ' || slug) FROM unnest(\(written.map(\.0))::text[]) AS slug",
                    logger: logger)
                return outcomes
            }
        } catch let refused as Refused {
            return refused.outcomes
        }
    }

    private func refusingTakenSlug<Result>(_ slug: String, _ write: () async throws -> Result) async throws -> Result {
        do {
            return try await write()
        } catch let error as PostgreSQLFailure where error.sqlState == PostgreSQLFailure.uniqueViolation {
            throw LinkRepositoryError.slugTaken(slug)
        }
    }

    static func link(_ row: PostgresRandomAccessRow) throws -> Link {
        let routing = LinkRoutingColumns(
            startsAt: try row["starts_at"].decode(Int64?.self), expiresAt: try row["expires_at"].decode(Int64?.self),
            maxClicks: try row["max_clicks"].decode(Int64?.self), expiredURL: try row["expired_url"].decode(String?.self),
            destinations: try row["destinations"].decode(String?.self), rules: try row["rules"].decode(String?.self))
        return Link(
            id: try row["id"].decode(Int64.self), slug: try row["slug"].decode(String.self), name: try row["name"].decode(String.self),
            url: try row["url"].decode(String.self), active: try row["active"].decode(Bool.self),
            redirectStatus: Int(try row["redirect_status"].decode(Int32.self)), forwardQuery: try row["forward_query"].decode(Bool.self),
            tags: LinkTags.decode(try row["tags"].decode(String.self)), clickCount: try row["click_count"].decode(Int64.self),
            createdAt: Date(epochMillis: try row["created_at"].decode(Int64.self)),
            updatedAt: Date(epochMillis: try row["updated_at"].decode(Int64.self)), schedule: routing.schedule, routing: routing.routing)
    }
}
