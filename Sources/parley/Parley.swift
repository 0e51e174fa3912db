import ArgumentParser

/// The `parley` command: one binary for the server and its admin tools.
@main
struct Parley: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parley",
        abstract: "Parley: self-hosted meetings in the browser and on the phone.",
        discussion: """
            Settings come from the TOML file given with --config (Config/parley.toml documents \
            every key), then PARLEY_* environment variables, then flags; later sources win.
            """,
        subcommands: [Serve.self, ConfigCommand.self, DialplanCommand.self, NodeCommand.self, LoadTestCommand.self],
        defaultSubcommand: nil
    )
}
