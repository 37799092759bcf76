import API
import ArgumentParser
import Foundation

struct Token: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage admin API tokens.",
        subcommands: [Mint.self])

    struct Mint: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a token signed with the first configured admin key.",
            discussion: """
                Uses the same keys as serve: CLICKTRAIL_ADMIN_KEYS, else <data folder>/admin-keys \
                (created when missing). Example: clicktrail token mint --scope links:write --scope stats:read --ttl 30d --sub cms
                """)

        @OptionGroup var options: ServerOptions

        @Option(
            name: .customLong("scope"),
            help: "A scope to grant; repeat for several. One of: \(Scope.allCases.map(\.rawValue).joined(separator: ", ")).")
        var scopes: [String] = []

        @Option(help: "Lifetime: a number with s, m, h or d (e.g. 90m, 12h, 30d).")
        var ttl: String = "30d"

        @Option(help: "The token's subject (sub), e.g. the name of the client that uses it.")
        var sub: String?

        func validate() throws {
            guard !scopes.isEmpty else { throw ValidationError("give at least one --scope") }
            for scope in scopes where Scope(rawValue: scope) == nil {
                throw ValidationError("unknown scope '\(scope)'")
            }
            guard DurationText.seconds(ttl) != nil else {
                throw ValidationError("--ttl must be a positive number followed by s, m, h or d, like 30d")
            }
        }

        func run() async throws {
            let configuration = try options.resolve()
            let keys = try AdminKeyFile.keys(for: configuration).keys
            let authority = await TokenAuthority(keySet: keys)
            let token = try await authority.mint(
                scopes: scopes.compactMap(Scope.init(rawValue:)), subject: sub, lifetime: DurationText.seconds(ttl) ?? 0)
            print(token)
        }
    }
}
