import Domain
import Foundation
import PostgresNIO

/// The click writer's batches in PostgreSQL: rows, counters, aggregates and GA outbox events in
/// one transaction. Instances write batches at the same time, so every transaction locks what it
/// shares with others in one order (the batch's links by id, then aggregate keys sorted) and
/// two of them can wait for each other but never deadlock.
package struct PostgreSQLClickStore: ClickStore {
    private let database: PostgreSQLDatabase

    package init(database: PostgreSQLDatabase) {
        self.database = database
    }

    /// A batch costs about ten round trips whatever its size: large batches keep the writer
    /// ahead of the redirects (measured with scripts/bench).
    package var batchSize: Int { 2_048 }

    package func store(_ clicks: [ClickRecord]) async throws -> StoredClicks {
        let logger = database.logger
        // A batch takes milliseconds; one still running after ten seconds is stuck, and the
        // clicks behind it are better served by a retry on a fresh connection.
        return try await database.withTransaction(runningAtMost: .seconds(10)) { connection in
            try await Self.insert(clicks, connection, logger: logger)
        }
    }

    /// Inserts clicks with their aggregates and GA events inside the caller's transaction; for
    /// each click its id and GA status, nil where its link is gone.
    static func insert(_ clicks: [ClickRecord], _ connection: PostgresConnection, logger: Logger) async throws -> StoredClicks {
        // Row locks on the links, taken in id order: their counters are bumped below, and a
        // link deleted meanwhile is either gone now (its clicks skipped) or waits for this commit.
        let linkIDs = Set(clicks.map(\.linkID)).sorted()
        let existingLinks = Set(try await connection.rows(
            "SELECT id FROM link WHERE id = ANY(\(linkIDs)) ORDER BY id FOR NO KEY UPDATE", logger: logger
        ) { try $0["id"].decode(Int64.self) })
        let subjects = Set(clicks.compactMap { GAOutboxDecision.consentSubject(visitor: $0.visitor, counted: $0.verdict.counted) })
        let storedConsent = try await PostgreSQLConsentRepository.newest(Array(subjects), connection, logger: logger)

        var rows: [ClickRow] = []
        var decisions: [(status: GAStatus, body: Data?)] = []
        var aggregates = ClickAggregates()
        for click in clicks where existingLinks.contains(click.linkID) {
            let verdict = click.verdict
            let stored = GAOutboxDecision.consentSubject(visitor: click.visitor, counted: verdict.counted).flatMap { storedConsent[$0]?.signals }
            let ga = GAOutboxDecision.decide(visitor: click.visitor, counted: verdict.counted, stored: stored) { clientID, consent in
                GAForwarding.affiliateClick(click, linkSlug: click.linkSlug, clientID: clientID, sessionID: click.visitor?.sessionID, consent: consent)
            }
            rows.append(ClickRow(click, gaStatus: ga.status))
            decisions.append(ga)
            aggregates.add(click)
        }
        var ids: [Int64] = []
        if !rows.isEmpty {
            let columns = ClickRow.columns.map(\.name).joined(separator: ", ")
            let definitions = ClickRow.columns.map { "\($0.name) \($0.type)" }.joined(separator: ", ")
            // Ids come from the sequence in the order rows are inserted, which ORDER BY fixes.
            ids = try await connection.rows(
                """
                INSERT INTO click (\(unescaped: columns))
                SELECT \(unescaped: columns) FROM ROWS FROM (json_to_recordset(\(try JSONRows.encode(rows))::json) AS (\(unescaped: definitions)))
                    WITH ORDINALITY AS t(\(unescaped: columns), position)
                ORDER BY position RETURNING id
                """, logger: logger
            ) { try $0["id"].decode(Int64.self) }.sorted()
        }
        let events = zip(ids, zip(rows, decisions)).compactMap { id, stored -> PostgreSQLOutboxQueue.Event? in
            guard let body = stored.1.body else { return nil }
            return .init(click_id: id, event: "affiliate_click", payload: String(decoding: body, as: UTF8.self), occurred_at: stored.0.occurred_at)
        }
        try await PostgreSQLOutboxQueue.enqueue(events, connection, logger: logger)
        let clickCounts = try await aggregates.write(connection, logger: logger)

        var stored: [(id: Int64, gaStatus: GAStatus)?] = []
        var next = 0
        for click in clicks {
            guard existingLinks.contains(click.linkID) else {
                stored.append(nil)
                continue
            }
            stored.append((ids[next], decisions[next].status))
            next += 1
        }
        return StoredClicks(clicks: stored, clickCounts: clickCounts)
    }
}

/// One `click` row as a JSON object for `json_to_recordset`.
struct ClickRow: Encodable {
    static let columns: [(name: String, type: String)] =
        [("link_id", "BIGINT"), ("occurred_at", "BIGINT"), ("referer", "TEXT"), ("referer_class", "TEXT"), ("counted", "BOOLEAN"), ("reason", "TEXT")]
        + LeadSourceColumns.names.map { ($0, "TEXT") } + [("ga_status", "TEXT"), ("rule", "INTEGER"), ("destination", "INTEGER")]

    /// Only the columns that have a value: `json_to_recordset` reads a missing key as NULL.
    var values: [String: String]
    var link_id: Int64
    var occurred_at: Int64
    var counted: Bool
    var rule: Int?
    var destination: Int?

    init(_ click: ClickRecord, gaStatus: GAStatus) {
        let verdict = click.verdict
        link_id = click.linkID
        occurred_at = click.occurredAt.epochMillis
        counted = verdict.counted
        rule = click.rule
        destination = click.destination
        values = ["referer_class": verdict.refererClass.rawValue, "reason": verdict.reason.rawValue, "ga_status": gaStatus.rawValue]
        values["referer"] = verdict.referer
        for parameter in LeadParameter.allCases {
            values[parameter.rawValue] = verdict.leadSource[parameter]
        }
        values["custom"] = LeadSourceColumns.customJSON(verdict.leadSource.custom)
    }

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(link_id, forKey: Key("link_id"))
        try container.encode(occurred_at, forKey: Key("occurred_at"))
        try container.encode(counted, forKey: Key("counted"))
        try container.encodeIfPresent(rule, forKey: Key("rule"))
        try container.encodeIfPresent(destination, forKey: Key("destination"))
        for (name, value) in values {
            try container.encode(value, forKey: Key(name))
        }
    }
}
