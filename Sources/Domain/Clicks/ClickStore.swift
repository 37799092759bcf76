/// Where the click writer puts a batch: the rows, the links' counters, the aggregates and the
/// GA outbox events of consented clicks, all in one transaction.
public protocol ClickStore: Sendable {
    /// The most clicks one batch should hold: a store that pays a round trip per statement
    /// (a database server) wants more per transaction than an embedded one.
    var batchSize: Int { get }

    /// Stores `clicks` in one transaction; for each, its id and GA status, nil where its link is
    /// gone (deleted since the redirect).
    func store(_ clicks: [ClickRecord]) async throws -> [(id: Int64, gaStatus: GAStatus)?]
}
