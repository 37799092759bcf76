import API
import Foundation
import GRDB
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Storage
import TestSupport
import Testing

/// `GET` and `DELETE /api/v1/leads`: dashboards read lead sources, an admin erases a subject's.
@Suite struct LeadsAPITests {
    private func capture(_ api: TestAPI, _ subject: String, source: String, campaign: String = "c") async throws {
        _ = try await api.result("leads.capture", ["subject": subject, "params": ["utm_source": source, "utm_medium": "cpc", "utm_campaign": campaign]])
    }

    @Test func leadsListByFilterAcrossPages() async throws {
        try await TestService.run { api in
            for index in 0..<7 {
                try await capture(api, "s\(index % 2)", source: index < 4 ? "google" : "bing", campaign: "c\(index % 3)")
            }
            let token = try await api.token(.statsRead)
            func ids(_ query: String) async throws -> (ids: [Int], next: String?) {
                let response = try await api.send(.get, "/api/v1/leads" + query, token: token)
                #expect(response.status == .ok)
                let body = try response.jsonObject()
                return ((body["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }, body["next_cursor"] as? String)
            }
            #expect(try await ids("").ids == [1, 2, 3, 4, 5, 6, 7])
            #expect(try await ids("?subject=s0").ids == [1, 3, 5, 7])
            #expect(try await ids("?utm_source=bing").ids == [5, 6, 7])
            #expect(try await ids("?subject=s1&utm_source=google").ids == [2, 4])
            #expect(try await ids("?utm_medium=cpc&utm_campaign=c0").ids == [1, 4, 7])
            let first = try await ids("?limit=3")
            #expect(first.ids == [1, 2, 3])
            let second = try await ids("?limit=3&cursor=\(try #require(first.next))")
            #expect(second.ids == [4, 5, 6])
            #expect(try await ids("?limit=3&cursor=\(try #require(second.next))") == ([7], nil))
        }
    }

    @Test func readingLeadsNeedsStatsReadAndBadPagingIsABadRequest() async throws {
        try await TestService.run { api in
            #expect(try await api.send(.get, "/api/v1/leads").status == .unauthorized)
            #expect(try await api.send(.get, "/api/v1/leads", token: try await api.token(.linksWrite, .ingest)).status == .forbidden)
            let badCursor = try await api.send(.get, "/api/v1/leads?cursor=abc", token: try await api.token(.statsRead))
            #expect(badCursor.status == .badRequest)
            #expect(try badCursor.problem()["status"] as? Int == 400)
        }
    }

    @Test func erasureDeletesEveryLeadOfTheSubjectAndNeedsAdmin() async throws {
        let database = try await TestDatabase.make()
        try await TestService.run(database: database) { api in
            try await capture(api, "gone", source: "google")
            try await capture(api, "gone", source: "bing")
            try await capture(api, "stays", source: "google")
            let statsOnly = try await api.send(.delete, "/api/v1/leads?subject=gone", token: try await api.token(.statsRead))
            #expect(statsOnly.status == .forbidden)
            let noSubject = try await api.admin(.delete, "/api/v1/leads")
            #expect(noSubject.status == .badRequest)
            #expect(try noSubject.problem()["detail"] as? String == "subject is required: erasure is per subject")
            #expect(try await api.admin(.delete, "/api/v1/leads?subject=a%40b.example").status == .badRequest)
            let erased = try await api.admin(.delete, "/api/v1/leads?subject=gone")
            #expect(erased.status == .ok)
            #expect(try erased.jsonObject()["deleted"] as? Int == 2)
            #expect(try await api.admin(.delete, "/api/v1/leads?subject=gone").jsonObject()["deleted"] as? Int == 0)
        }
        let subjects = try await database.strings("SELECT subject FROM lead")
        #expect(subjects == ["stays"])
    }
}
