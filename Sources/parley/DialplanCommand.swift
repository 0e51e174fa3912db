import ArgumentParser
import Foundation
import Gateway

/// `parley dialplan check FILE`: validates a dialplan before a server uses it.
struct DialplanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dialplan",
        abstract: "Work with phone-gateway dialplans (Dialplans/).",
        subcommands: [Check.self])

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a dialplan: every error with its line, or OK; optionally show where a number goes.")

        @Argument(help: "The dialplan file, e.g. Dialplans/default.dialplan.")
        var file: String

        @Option(name: .customLong("try"), help: ArgumentHelp("Show what a call to this number or SIP user would do.", valueName: "NUMBER"))
        var number: String?

        @Option(help: ArgumentHelp("The caller for --try (From user).", valueName: "USER"))
        var from: String = "caller"

        func run() async throws {
            let report = DialplanCheck.report(path: file, trying: number.map { DialplanCheck.call(dialling: $0, from: from) })
            FileHandle.standardOutput.write(Data(report.output.utf8))
            if report.exitCode != 0 { throw ExitCode(report.exitCode) }
        }
    }
}
