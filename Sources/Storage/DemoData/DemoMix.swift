import Domain
import Foundation

/// What demo data to make: `links` links, `clicks` hits spread over the `days` days before
/// `end`, all drawn from `seed`. The same plan always gives the same rows.
package struct DemoPlan: Sendable, Equatable {
    package var links: Int
    package var clicks: Int
    package var days: Int
    package var seed: UInt64
    package var end: Date

    package init(links: Int, clicks: Int, days: Int, seed: UInt64, end: Date) {
        self.links = links
        self.clicks = clicks
        self.days = days
        self.seed = seed
        self.end = end
    }

    /// The hour boundary at or before `end`, so every run of a plan covers the same hours.
    package var firstHour: Date {
        Date(epochMillis: (end.epochMillis / 3_600_000 - Int64(days) * 24) * 3_600_000)
    }

    package var hours: Int { days * 24 }

    package var slugs: [String] {
        let width = max(4, String(links).count)
        return (1...max(links, 1)).prefix(links).map { index in
            "demo-" + String(repeating: "0", count: max(0, width - String(index).count)) + String(index)
        }
    }
}

/// The traffic of one hour: clicks in time order and page views per path and instant.
package struct DemoHour: Sendable {
    package var clicks: [ClickRecord]
    package var pageViews: [(path: String, at: Int64, views: Int)]
}

/// A plausible mix for an affiliate site: a few links get most clicks (Zipf), traffic follows the
/// day and the week, about a quarter of hits are not counted (bots, direct and external hits,
/// prefetches, HEAD), counted clicks come from a few pages per link and a third carry campaign
/// parameters; pages get several views per click.
package struct DemoMix: Sendable {
    package static let siteOrigin = "https://www.example.com"
    static let externalReferers = [
        "https://www.google.com/", "https://duckduckgo.com/", "https://news.ycombinator.com/item",
        "https://t.co/x1y2z3", "https://www.bing.com/search",
    ]
    static let campaigns: [(source: String, medium: String?, campaign: String?)] = [
        ("newsletter", "email", "weekly-picks"), ("google", "cpc", "brand"), ("facebook", "social", "black-friday"),
        ("twitter", "social", "launch"), ("partner-blog", "referral", nil), ("google", "cpc", "generic-deals"),
        ("newsletter", "email", "black-friday"), ("pinterest", nil, nil),
    ]
    /// Uncounted reasons after the counted share, as cumulative per-mille thresholds.
    static let reasonThresholds: [(upTo: Int, reason: HitReason)] = [
        (740, .ok), (850, .bot), (920, .noReferer), (965, .externalReferer), (985, .prefetch), (1_000, .head),
    ]

    let plan: DemoPlan
    let linkIDs: [Int64]
    let slugs: [String]
    package let pagePaths: [String]
    /// Cumulative Zipf weights over link ranks; `rankToLink` shuffles which link has which rank.
    private let linkWeights: [Double]
    private let rankToLink: [Int]
    private let pageWeights: [Double]
    /// How many clicks each hour gets: the counts add up to `plan.clicks` exactly.
    private let clicksPerHour: [Int]

    /// `linkIDs[i]` is the id of `plan.slugs[i]`.
    package init(plan: DemoPlan, linkIDs: [Int64]) {
        self.plan = plan
        self.linkIDs = linkIDs
        self.slugs = plan.slugs
        var random = SplitMix64(seed: plan.seed)
        linkWeights = Self.cumulative((0..<linkIDs.count).map { 1 / pow(Double($0 + 1), 0.9) })
        rankToLink = Array(0..<linkIDs.count).shuffled(using: &random)
        let pageCount = min(200, max(12, linkIDs.count / 5))
        pagePaths = Self.paths(count: pageCount)
        pageWeights = Self.cumulative((0..<pageCount).map { 1 / pow(Double($0 + 1), 0.7) })
        let first = plan.firstHour
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let hourWeights = (0..<plan.hours).map { index in
            let date = first.addingTimeInterval(Double(index) * 3_600)
            let hour = Double(calendar.component(.hour, from: date))
            let weekend = [1, 7].contains(calendar.component(.weekday, from: date))
            // Evenings (around 19:00 UTC) are busiest, nights quiet, weekends a little calmer;
            // traffic grows slowly over the range.
            let daily = 0.35 + 0.65 * (1 + cos((hour - 19) / 24 * 2 * .pi)) / 2
            return daily * (weekend ? 0.8 : 1) * (1 + 0.3 * Double(index) / Double(max(plan.hours, 1)))
        }
        let total = hourWeights.reduce(0, +)
        var running = 0.0
        var assigned = 0
        clicksPerHour = hourWeights.map { weight in
            running += weight
            let upTo = Int((Double(plan.clicks) * running / total).rounded())
            defer { assigned = upTo }
            return upTo - assigned
        }
    }

    /// The traffic of hour `index` (0 ..< plan.hours), drawn from its own stream of the seed so
    /// an hour does not depend on the ones before it.
    package func hour(_ index: Int) -> DemoHour {
        var random = SplitMix64(seed: plan.seed &* 0x2545_F491_4F6C_DD1D &+ UInt64(index) &+ 1)
        let start = plan.firstHour.epochMillis + Int64(index) * 3_600_000
        let instants = (0..<clicksPerHour[index]).map { _ in start + Int64.random(in: 0..<3_600_000, using: &random) }.sorted()
        var clicksFromPage = [Int](repeating: 0, count: pagePaths.count)
        let clicks = instants.map { millis in
            let link = rankToLink[Self.pick(linkWeights, &random)]
            let click = self.click(link: link, at: millis, &random)
            if click.verdict.counted, let page = click.page { clicksFromPage[page] += 1 }
            return ClickRecord(linkID: linkIDs[link], linkSlug: slugs[link], occurredAt: Date(epochMillis: millis), verdict: click.verdict)
        }
        var pageViews: [(path: String, at: Int64, views: Int)] = []
        for (page, path) in pagePaths.enumerated() {
            // Each page converts at its own rate, between about 4 % and 25 % of views.
            let viewsPerClick = 4 + (page * 37) % 20
            let views = clicksFromPage[page] * viewsPerClick + Int.random(in: 0...2, using: &random)
            for quarter in 0..<4 where views / 4 + (quarter < views % 4 ? 1 : 0) > 0 {
                pageViews.append((path, start + Int64(quarter) * AggregateBucket.quarterHourMillis, views / 4 + (quarter < views % 4 ? 1 : 0)))
            }
        }
        return DemoHour(clicks: clicks, pageViews: pageViews)
    }

    private func click(link: Int, at millis: Int64, _ random: inout SplitMix64) -> (verdict: HitVerdict, page: Int?) {
        let roll = Int.random(in: 0..<1_000, using: &random)
        let reason = Self.reasonThresholds.first { roll < $0.upTo }?.reason ?? .ok
        var page: Int?
        var referer: String?
        var refererClass = RefererClass.none
        switch reason {
        case .ok, .prefetch:
            page = pageOf(link: link, &random)
        case .bot:
            if Bool.random(using: &random) { page = pageOf(link: link, &random) }
        case .externalReferer:
            referer = Self.externalReferers[Int.random(in: 0..<Self.externalReferers.count, using: &random)]
            refererClass = .external
        case .noReferer, .head:
            break
        }
        if let page {
            referer = Self.siteOrigin + pagePaths[page]
            refererClass = .internal
        }
        var lead = LeadSource()
        if Double.random(in: 0..<1, using: &random) < (reason == .ok ? 0.33 : 0.1) {
            let campaign = Self.campaigns[Int.random(in: 0..<Self.campaigns.count, using: &random)]
            lead.utmSource = campaign.source
            lead.utmMedium = campaign.medium
            lead.utmCampaign = campaign.campaign
            if campaign.medium == "cpc" { lead[.gclid] = "Cj0" + String(random.next() % 1_000_000_000, radix: 36) }
            if campaign.source == "facebook" { lead[.fbclid] = "IwAR" + String(random.next() % 1_000_000_000, radix: 36) }
        }
        if Int.random(in: 0..<100, using: &random) < 3 { lead.custom = ["variant": Bool.random(using: &random) ? "a" : "b"] }
        return (HitVerdict(reason: reason, refererClass: refererClass, referer: referer, leadSource: lead), page)
    }

    /// Most of a link's clicks come from its three own pages, the rest from popular ones.
    private func pageOf(link: Int, _ random: inout SplitMix64) -> Int {
        let own = [(link * 7) % pagePaths.count, (link * 13 + 5) % pagePaths.count, (link * 29 + 11) % pagePaths.count]
        return Int.random(in: 0..<10, using: &random) < 8 ? own[Int.random(in: 0..<3, using: &random)] : Self.pick(pageWeights, &random)
    }

    private static func cumulative(_ weights: [Double]) -> [Double] {
        var sum = 0.0
        return weights.map { weight in
            sum += weight
            return sum
        }
    }

    /// An index drawn with the probabilities of the cumulative weights (binary search).
    private static func pick(_ cumulative: [Double], _ random: inout SplitMix64) -> Int {
        let target = Double.random(in: 0..<(cumulative.last ?? 1), using: &random)
        var low = 0
        var high = cumulative.count - 1
        while low < high {
            let middle = (low + high) / 2
            if cumulative[middle] <= target { low = middle + 1 } else { high = middle }
        }
        return low
    }

    private static func paths(count: Int) -> [String] {
        let sections = ["blog", "reviews", "guides", "deals", "compare"]
        let topics = [
            "headphones", "laptops", "coffee-grinders", "running-shoes", "standing-desks", "e-bikes", "cameras",
            "tents", "monitors", "keyboards", "air-purifiers", "strollers",
        ]
        return (0..<count).map { index in
            index == 0 ? "/" : "/\(sections[index % sections.count])/\(topics[(index / sections.count) % topics.count])-\(index)"
        }
    }
}
