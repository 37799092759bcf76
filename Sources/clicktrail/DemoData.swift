import API
import ArgumentParser
import Foundation
import Logging
import Storage

struct DemoData: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo-data",
        abstract: "Fill the database with realistic, reproducible demo traffic.",
        discussion: """
            Creates links demo-0001… (reusing ones that exist) and adds clicks over the days before --end: \
            bots, direct and external hits, prefetches, internal referers from a few pages per link, UTM \
            campaigns, and page views for those pages. The same options give the same rows. It adds to \
            what is there: run it on a fresh database file for clean numbers. \
            Example: clicktrail demo-data --database /tmp/demo.sqlite --links 1000 --clicks 10000000 --days 90
            """)

    @OptionGroup var options: ServerOptions

    @Option(help: "How many links.")
    var links: Int = 100

    @Option(help: "How many clicks (hits of every kind) in total.")
    var clicks: Int = 100_000

    @Option(help: "Over how many days before --end.")
    var days: Int = 30

    @Option(help: "The random seed; the same seed and options give the same data.")
    var seed: UInt64 = 1

    @Option(help: "The end of the range, RFC 3339 (e.g. 2026-11-22T00:00:00Z); default: now. Data ends at the hour before it.")
    var end: String?

    func validate() throws {
        guard (1...100_000).contains(links) else { throw ValidationError("--links must be from 1 to 100000") }
        guard (0...1_000_000_000).contains(clicks) else { throw ValidationError("--clicks must be from 0 to 1000000000") }
        guard (1...3_650).contains(days) else { throw ValidationError("--days must be from 1 to 3650") }
        if let end, RFC3339.date(end) == nil { throw ValidationError("--end must be an RFC 3339 timestamp such as 2026-11-22T00:00:00Z") }
    }

    func run() async throws {
        let configuration = try options.resolve()
        let storage = try await AppStorage.open(
            configuration.database, wait: configuration.databaseWait, logger: Logger(label: "clicktrail.demo-data"))
        let plan = DemoPlan(links: links, clicks: clicks, days: days, seed: seed, end: end.flatMap(RFC3339.date) ?? Date())
        let started = ContinuousClock.now
        let total = clicks
        var reportedTenth = 0
        let summary = try await DemoDataLoader(storage: storage).load(plan) { written in
            // A line per tenth, so a ten-million-click run shows it is moving.
            let tenth = total == 0 ? 10 : written * 10 / total
            if tenth > reportedTenth {
                reportedTenth = tenth
                print("\(written) of \(total) clicks written")
            }
        }
        await storage.close()
        let seconds = Double((ContinuousClock.now - started).components.seconds)
        print("""
            \(configuration.database): \(summary.links) links, \(summary.clicks) clicks and \(summary.pageViews) page views \
            from \(Timestamp.format(summary.from)) to \(Timestamp.format(summary.to)) in \(Int(seconds)) s
            """)
    }

}
