import Domain
import Foundation

/// `from`, `to` and `tz` of every stats request (openapi.yaml): RFC 3339 timestamps or bare
/// dates (the start of that day in `tz`), `tz` any IANA zone (default UTC), default range the
/// 30 days before now. Bad values are a 400 naming the parameter.
enum StatsQuery {
    static func range(_ query: [String: String], now: Date = Date()) throws(Problem) -> StatsRange {
        let bounds = try bounds(query, now: now)
        do {
            return try StatsRange(from: bounds.from, to: bounds.to, timeZone: bounds.timeZone)
        } catch {
            throw Problem.badRequest("from must not be after to")
        }
    }

    /// The range exactly as asked, to the millisecond: the export's bounds, not widened to the
    /// aggregates' quarter hours.
    static func bounds(_ query: [String: String], now: Date = Date()) throws(Problem) -> (from: Date, to: Date, timeZone: TimeZone) {
        let timeZone: TimeZone
        if let name = query["tz"] {
            // Only IANA names: abbreviations such as "CET" or "EST" are ambiguous.
            guard name.contains("/") || name == "UTC", let zone = TimeZone(identifier: name) else {
                throw Problem.badRequest("tz must be an IANA time zone such as Europe/Berlin or UTC, not '\(name)'")
            }
            timeZone = zone
        } else {
            timeZone = TimeZone(identifier: "UTC")!
        }
        let to = try query["to"].map { text throws(Problem) in try date(text, name: "to", in: timeZone) } ?? now
        let from = try query["from"].map { text throws(Problem) in try date(text, name: "from", in: timeZone) }
            ?? to.addingTimeInterval(-StatsRange.defaultLength)
        guard from <= to else { throw Problem.badRequest("from must not be after to") }
        return (from, to, timeZone)
    }

    /// The series of `range`: in the asked interval, which must fit the bucket limit, else in the
    /// finest interval that fits.
    static func series(_ query: [String: String], over range: StatsRange) throws(Problem) -> (interval: StatsInterval, starts: [Date]) {
        var asked: StatsInterval?
        if let text = query["interval"] {
            guard let interval = StatsInterval(rawValue: text) else {
                throw Problem.badRequest("interval must be one of hour, day, week, month, not '\(text)'")
            }
            asked = interval
        }
        do throws(ValidationError) {
            guard let asked else { return try range.finestFittingSeries() }
            return (asked, try range.bucketStarts(asked))
        } catch {
            throw Problem.badRequest(error.problems.map { "\($0.field) \($0.message)" }.joined(separator: "; "))
        }
    }

    /// A timestamp, or a date `YYYY-MM-DD` meaning the start of that day in `zone`.
    private static func date(_ text: String, name: String, in zone: TimeZone) throws(Problem) -> Date {
        if let timestamp = RFC3339.date(text) { return timestamp }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        if parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2])
        {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = zone
            let components = DateComponents(year: year, month: month, day: day)
            if components.isValidDate(in: calendar), let date = calendar.date(from: components) { return date }
        }
        throw Problem.badRequest("\(name) must be an RFC 3339 timestamp (2026-11-22T10:15:30Z) or a date (2026-11-22), not '\(text)'")
    }
}
