import ArgumentParser

@main
struct Clicktrail: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clicktrail",
        abstract: "Self-hosted, privacy-lean click and lead tracking.",
        discussion: """
            Every option can also be set by the environment variable named in its help; a flag \
            overrides the variable, which overrides the default.
            """,
        subcommands: [Serve.self, Migrate.self, Token.self, DemoData.self, Backup.self, CopyData.self])
}
