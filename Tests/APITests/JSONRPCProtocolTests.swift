@testable import API
import Domain
import Foundation
import GRDB
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Storage
import TestSupport
import Testing

/// The examples of the JSON-RPC 2.0 specification (section 7), adapted to Clicktrail's methods,
/// and the transport rules of the README's "Ingest". `consent.get` plays `subtract`: it takes one parameter
/// by position or by name.
@Suite struct JSONRPCProtocolTests {
    private func object(_ response: TestResponse) throws -> [String: Any] {
        #expect(response.status == .ok)
        #expect(response.headers[.contentType] == "application/json")
        return try response.jsonObject()
    }

    private func errorCode(_ object: [String: Any]) -> Int? {
        (object["error"] as? [String: Any])?["code"] as? Int
    }

    @Test func positionalAndNamedParametersGiveTheSameResult() async throws {
        try await TestService.run { api in
            let positional = try object(try await api.rpc(#"{"jsonrpc":"2.0","method":"consent.get","params":["42.7"],"id":1}"#))
            let named = try object(try await api.rpc(#"{"jsonrpc":"2.0","method":"consent.get","params":{"subject":"42.7"},"id":2}"#))
            #expect(positional["jsonrpc"] as? String == "2.0")
            #expect(positional["id"] as? Int == 1)
            #expect(named["id"] as? Int == 2)
            #expect((positional["result"] as? [String: Any])?["subject"] as? String == "42.7")
            #expect(NSDictionary(dictionary: positional["result"] as? [String: Any] ?? [:]).isEqual(named["result"] as? [String: Any] ?? ["x": 1]))
            #expect(positional["error"] == nil)
        }
    }

    @Test func aNotificationRunsButIsNeverAnswered() async throws {
        let database = try await TestDatabase.make()
        try await TestService.run(database: database) { api in
            let notification = try await api.rpc(
                #"{"jsonrpc":"2.0","method":"consent.set","params":{"subject":"42.7","signals":{"analytics_storage":"granted"}}}"#)
            #expect(notification.status == .noContent)
            #expect(notification.body.readableBytes == 0)
            // Not even an error is answered for a notification.
            let unknown = try await api.rpc(#"{"jsonrpc":"2.0","method":"foobar"}"#)
            #expect(unknown.status == .noContent)
            let invalidParams = try await api.rpc(#"{"jsonrpc":"2.0","method":"consent.get","params":{"subject":""}}"#)
            #expect(invalidParams.status == .noContent)
        }
        let stored = try await database.int("SELECT COUNT(*) FROM consent_log")
        #expect(stored == 1)
    }

    @Test func aNonExistentMethodIsMethodNotFound() async throws {
        try await TestService.run { api in
            let response = try object(try await api.rpc(#"{"jsonrpc":"2.0","method":"foobar","id":"1"}"#))
            #expect(errorCode(response) == -32601)
            #expect(response["id"] as? String == "1")
            #expect(response["result"] == nil)
        }
    }

    @Test(arguments: [
        #"{"jsonrpc":"2.0","method":"foobar,"params":"bar","baz]"#,
        #"[{"jsonrpc":"2.0","method":"consent.get","params":["1.2"],"id":"1"},{"jsonrpc":"2.0","method"]"#,
        "",
        // A trailing comma is not JSON: the call must not run (its answer would carry id "1").
        #"{"jsonrpc":"2.0","method":"consent.get","params":["1.2"],"id":"1",}"#,
        #"[{"jsonrpc":"2.0","method":"consent.get","params":["1.2",],"id":"1"}]"#,
    ])
    func invalidJSONIsAParseErrorWithANullId(_ body: String) async throws {
        try await TestService.run { api in
            let response = try object(try await api.rpc(body))
            #expect(errorCode(response) == -32700)
            #expect(response["id"] is NSNull)
        }
    }

    @Test(arguments: [
        #"{"jsonrpc":"2.0","method":1,"params":"bar"}"#,
        #"{"jsonrpc":"1.0","method":"consent.get","params":["1.2"],"id":null}"#,
        #"{"method":"consent.get","params":["1.2"],"id":null}"#,
        #"{"jsonrpc":"2.0","method":"consent.get","params":"1.2","id":null}"#,
        #"{"jsonrpc":"2.0","method":"consent.get","params":["1.2"],"id":{"a":1}}"#,
        #"{"jsonrpc":"2.0","method":"consent.get","params":["1.2"],"id":true}"#,
        #""a string""#,
    ])
    func anInvalidRequestObjectIsInvalidRequest(_ body: String) async throws {
        try await TestService.run { api in
            let response = try object(try await api.rpc(body))
            #expect(errorCode(response) == -32600)
            #expect(response["id"] is NSNull)
        }
    }

    @Test func anEmptyBatchIsOneInvalidRequest() async throws {
        try await TestService.run { api in
            let response = try object(try await api.rpc("[]"))
            #expect(errorCode(response) == -32600)
            #expect(response["id"] is NSNull)
        }
    }

    @Test(arguments: [1, 3])
    func aBatchOfNonRequestsAnswersOneInvalidRequestEach(_ count: Int) async throws {
        try await TestService.run { api in
            let body = "[" + (1...count).map(String.init).joined(separator: ",") + "]"
            let responses = try #require(try await api.rpc(body).json() as? [[String: Any]])
            #expect(responses.count == count)
            for response in responses {
                #expect(errorCode(response) == -32600)
                #expect(response["id"] is NSNull)
            }
        }
    }

    @Test func aMixedBatchAnswersEveryCallButTheNotifications() async throws {
        try await TestService.run { api in
            let body = """
                [
                  {"jsonrpc":"2.0","method":"consent.set","params":["42.7",{"ad_storage":"granted"}],"id":"1"},
                  {"jsonrpc":"2.0","method":"consent.set","params":["42.7",{"analytics_storage":"granted"}]},
                  {"jsonrpc":"2.0","method":"consent.get","params":["42.7"],"id":"2"},
                  {"foo":"boo"},
                  {"jsonrpc":"2.0","method":"foo.get","params":{"name":"myself"},"id":"5"},
                  {"jsonrpc":"2.0","method":"rpc.discover","id":"9"}
                ]
                """
            let response = try await api.rpc(body)
            #expect(response.status == .ok)
            let answers = try #require(try response.json() as? [[String: Any]])
            #expect(answers.count == 5)
            let byID = Dictionary(grouping: answers) { $0["id"] as? String ?? "null" }
            #expect(Set(byID.keys) == ["1", "2", "null", "5", "9"])
            #expect((byID["1"]?.first?["result"] as? [String: Any])?["subject"] as? String == "42.7")
            // The batch ran in order: the notification before it is seen by consent.get.
            let signals = (byID["2"]?.first?["result"] as? [String: Any])?["signals"] as? [String: String]
            #expect(signals == ["analytics_storage": "granted", "ad_storage": "granted", "ad_user_data": "denied", "ad_personalization": "denied"])
            #expect(errorCode(byID["null"]?.first ?? [:]) == -32600)
            #expect(errorCode(byID["5"]?.first ?? [:]) == -32601)
            #expect((byID["9"]?.first?["result"] as? [String: Any])?["openrpc"] as? String == "1.3.2")
        }
    }

    @Test func aBatchOfOnlyNotificationsAnswersNothing() async throws {
        try await TestService.run { api in
            let response = try await api.rpc("""
                [{"jsonrpc":"2.0","method":"consent.set","params":["42.7",{"ad_storage":"granted"}]},
                 {"jsonrpc":"2.0","method":"consent.get","params":["42.7"]}]
                """)
            #expect(response.status == .noContent)
            #expect(response.body.readableBytes == 0)
        }
    }

    @Test func idsComeBackExactlyAsSent() async throws {
        try await TestService.run { api in
            for id in [#""abc""#, "42", "-7", "0", "9007199254740991", "1.5", "null", #""""#] {
                let response = try await api.rpc(#"{"jsonrpc":"2.0","method":"consent.get","params":["1.2"],"id":\#(id)}"#)
                let text = String(buffer: response.body)
                #expect(text.contains(#""id":\#(id)"#), "id \(id) came back in \(text)")
            }
        }
    }

    @Test func aBatchOfAHundredRunsAndOneMoreRunsNothing() async throws {
        let database = try await TestDatabase.make()
        try await TestService.run(database: database) { api in
            func batch(_ count: Int, subject: String) -> String {
                "[" + (0..<count).map { index in
                    #"{"jsonrpc":"2.0","method":"consent.set","params":["\#(subject)",{"ad_storage":"granted"}],"id":\#(index)}"#
                }.joined(separator: ",") + "]"
            }
            // One write, then 99 reads that see it: all ran, in order. (Reads keep the batch quick
            // on a server shared by the whole parallel suite.)
            let set = #"{"jsonrpc":"2.0","method":"consent.set","params":["1.1",{"ad_storage":"granted"}],"id":0}"#
            let gets = (1..<100).map { #"{"jsonrpc":"2.0","method":"consent.get","params":["1.1"],"id":\#($0)}"# }
            let hundred = try #require(try await api.rpc("[" + ([set] + gets).joined(separator: ",") + "]").json() as? [[String: Any]])
            #expect(hundred.count == 100)
            #expect(hundred.allSatisfy {
                (($0["result"] as? [String: Any])?["signals"] as? [String: Any])?["ad_storage"] as? String == "granted"
            })
            let tooMany = try object(try await api.rpc(batch(101, subject: "2.2")))
            #expect(errorCode(tooMany) == -32600)
            #expect(tooMany["id"] is NSNull)
        }
        let entries = try await database.int("SELECT COUNT(*) FROM consent_log WHERE subject = '2.2'")
        #expect(entries == 0)
    }

    @Test func badParameterShapesAreInvalidParamsNamingTheParameter() async throws {
        try await TestService.run { api in
            let unknown = try object(try await api.rpc(#"{"jsonrpc":"2.0","method":"consent.get","params":{"subject":"1.2","sbject":"x"},"id":1}"#))
            #expect(errorCode(unknown) == -32602)
            #expect(((unknown["error"] as? [String: Any])?["data"] as? [String: Any])?["field"] as? String == "sbject")
            let tooMany = try object(try await api.rpc(#"{"jsonrpc":"2.0","method":"consent.get","params":["1.2","extra"],"id":1}"#))
            #expect(errorCode(tooMany) == -32602)
            let missing = try object(try await api.rpc(#"{"jsonrpc":"2.0","method":"consent.get","params":[],"id":1}"#))
            #expect(((missing["error"] as? [String: Any])?["data"] as? [String: Any])?["field"] as? String == "subject")
        }
    }

    @Test func httpCarriesAuthenticationMediaTypeAndSizeRules() async throws {
        try await TestService.run { api in
            let call = #"{"jsonrpc":"2.0","method":"consent.get","params":["1.2"],"id":1}"#
            let anonymous = try await api.send(.post, "/rpc", json: call)
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.headers[.wwwAuthenticate] == "Bearer")
            #expect(try anonymous.problem()["status"] as? Int == 401)
            let wrongScope = try await api.send(.post, "/rpc", token: try await api.token(.linksWrite, .statsRead), json: call)
            #expect(wrongScope.status == .forbidden)
            #expect(try await api.send(.post, "/rpc", token: try await api.token(.admin), json: call).status == .ok)
            let text = try await api.send(.post, "/rpc", token: try await api.token(.ingest), json: call, contentType: "text/plain")
            #expect(text.status == .unsupportedMediaType)
            #expect(try text.problem()["status"] as? Int == 415)
            let huge = try await api.rpc(#"{"jsonrpc":"2.0","method":"consent.get","params":["\#(String(repeating: "1", count: 1 << 20))"],"id":1}"#)
            #expect(huge.status == .contentTooLarge)
            let get = try await api.send(.get, "/rpc", token: try await api.token(.ingest))
            #expect(get.status == .methodNotAllowed)
            #expect(get.headers[.allow] == "POST")
        }
    }

    @Test func theOpenRPCDocumentListsExactlyTheMethodsTheServiceKnows() async throws {
        try await TestService.run { api in
            let response = try object(try await api.rpc(#"{"jsonrpc":"2.0","method":"rpc.discover","id":1}"#))
            let document = try #require(response["result"] as? [String: Any])
            #expect(document["openrpc"] as? String == "1.3.2")
            let methods = try #require(document["methods"] as? [[String: Any]])
            let documented = Set(methods.compactMap { $0["name"] as? String })
            let database = try await TestDatabase.make()
            let dependencies = AppDependencies(
                storage: database.storage, tokenAuthority: api.authority, botMatcher: try TestService.botMatcher.get(),
                clickWriter: ClickWriter(store: database.storage.clicks))
            let intake = ClickIntake(
                links: CachedLinkRepository(dependencies.storage.links),
                classifier: HitClassifier(bots: dependencies.botMatcher), writer: dependencies.clickWriter, forwardsToGA: false)
            let known = try ingestDispatcher(configuration: AppConfiguration(), dependencies: dependencies, intake: intake)
                .methodParameters
            #expect(documented == Set(known.keys))
            #expect(documented.count == methods.count)
            for method in methods {
                let name = method["name"] as? String ?? ""
                let params = (method["params"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
                #expect(params == known[name], "\(name): documented \(params), accepted \(known[name] ?? [])")
            }
            // And the service refuses what is not documented, by name.
            for method in methods where method["name"] as? String != "rpc.discover" {
                let name = method["name"] as? String ?? ""
                let params = (method["params"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
                let probe = Dictionary(uniqueKeysWithValues: (params + ["not_a_parameter"]).map { ($0, NSNull() as Any) })
                let error = try await api.error(name, probe)
                #expect(error.code == -32602 && error.field == "not_a_parameter", "\(name): \(error.data)")
            }
        }
    }
}
