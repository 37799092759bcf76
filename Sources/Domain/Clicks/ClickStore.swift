/// Where the click writer puts a batch: the rows, the links' counters, the aggregates and the
/// GA outbox events of consented clicks, all in one transaction.
public protocol ClickStore: Sendable {
    /// The most clicks one batch should hold: a store that pays a round trip per statement
    /// (a database server) wants more per transaction than an embedded one.
    var batchSize: Int { get }

    /// How many batches may be written at once. A database server runs each on a connection of
    /// its own, so one batch's rows go in while the next is prepared; an embedded database has
    /// one writer and gains nothing.
    var concurrentBatches: Int { get }

    /// Stores `clicks` in one transaction.
    func store(_ clicks: [ClickRecord]) async throws -> StoredClicks
}

/// What a batch became.
public struct StoredClicks: Sendable {
    /// For each click, its id and GA status; nil where its link is gone (deleted since the redirect).
    public var clicks: [(id: Int64, gaStatus: GAStatus)?]
    /// The stored counted-click count of every link the batch counted clicks for, after it:
    /// other instances' clicks included, for `max_clicks`.
    public var clickCounts: [Int64: Int64]

    public init(clicks: [(id: Int64, gaStatus: GAStatus)?], clickCounts: [Int64: Int64]) {
        self.clicks = clicks
        self.clickCounts = clickCounts
    }
}
