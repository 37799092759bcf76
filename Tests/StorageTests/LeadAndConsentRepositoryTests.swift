import Domain
import Foundation
import GRDB
import Storage
import TestSupport
import Testing

@Suite struct LeadRepositoryTests {
    private func draft(_ subject: String, source: String = "news", medium: String = "email", custom: [String: String] = [:]) throws -> LeadDraft {
        var lead = LeadSource(parameters: [(name: "utm_source", value: source), (name: "utm_medium", value: medium)])
        lead.custom = custom
        return try LeadDraft.validated(subject: subject, source: lead, landingPath: "/landing")
    }

    @Test(arguments: TestBackend.allCases)
    func capturedLeadsListByFilterInPages(_ backend: TestBackend) async throws {
        let leads = try await TestDatabase.make(backend).storage.leads
        let at = Date(timeIntervalSince1970: 1_800_000_000.123)
        let first = try await leads.capture(try draft("v1", custom: ["partner": "acme"]), at: at)
        for index in 0..<5 {
            _ = try await leads.capture(try draft("v\(index % 2 + 1)", source: index < 3 ? "ads" : "news"), at: at)
        }
        #expect(first.createdAt == at.roundedToMillis)
        let all = try await leads.list(LeadFilter(), after: nil, limit: 100).items
        #expect(all.count == 6)
        #expect(all.first == first)
        #expect(all.first?.source.custom == ["partner": "acme"])
        #expect(try await leads.list(LeadFilter(subject: "v1"), after: nil, limit: 100).items.count == 4)
        #expect(try await leads.list(LeadFilter(subject: "v1", utmSource: "ads"), after: nil, limit: 100).items.count == 2)
        let page = try await leads.list(LeadFilter(), after: nil, limit: 4)
        #expect(page.items.count == 4)
        let rest = try await leads.list(LeadFilter(), after: page.nextAfter, limit: 4)
        #expect(rest.items.map(\.id) == [5, 6])
        #expect(rest.nextAfter == nil)
    }

    @Test(arguments: TestBackend.allCases)
    func assignMovesEveryLeadOfTheVisitorAndEraseDeletesThem(_ backend: TestBackend) async throws {
        let database = try await TestDatabase.make(backend)
        let leads = database.storage.leads
        for subject in ["visitor", "visitor", "other"] {
            _ = try await leads.capture(try draft(subject), at: Date())
        }
        #expect(try await leads.assign(from: "visitor", to: "user-7") == 2)
        #expect(try await leads.assign(from: "visitor", to: "user-7") == 0)
        #expect(try await leads.list(LeadFilter(subject: "user-7"), after: nil, limit: 10).items.count == 2)
        #expect(try await leads.erase(subject: "user-7") == 2)
        let remaining = try await database.strings("SELECT subject FROM lead")
        #expect(remaining == ["other"])
    }
}

@Suite struct ConsentRepositoryTests {
    @Test(arguments: TestBackend.allCases)
    func everyChangeIsAppendedAndTheNewestIsCurrent(_ backend: TestBackend) async throws {
        let consents = try await TestDatabase.make(backend).storage.consents
        #expect(try await consents.current(subject: "123.456") == nil)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        _ = try await consents.set(subject: "123.456", changes: ["analytics_storage": .granted], source: "banner", at: start)
        let second = try await consents.set(
            subject: "123.456", changes: ["ad_storage": .granted, "analytics_storage": .denied], source: nil, at: start + 60)
        // Signals a change does not name keep their value; the rest start denied.
        #expect(second.signals == ConsentSignals(analyticsStorage: .denied, adStorage: .granted))
        #expect(try await consents.current(subject: "123.456") == second)
        let history = try await consents.history(subject: "123.456")
        #expect(history.map(\.signals.analyticsStorage) == [.granted, .denied])
        #expect(history.map(\.source) == ["banner", nil])
        #expect(history.map(\.updatedAt) == [start, start + 60])
        #expect(try await consents.current(subject: "other") == nil)
    }
}

extension Date {
    var roundedToMillis: Date {
        Date(timeIntervalSince1970: (timeIntervalSince1970 * 1000).rounded(.down) / 1000)
    }
}
