import ArgumentParser
import Cluster
import Foundation
import Logging
import NIOPosix
import Store

/// `parley node list|cordon|uncordon|drain`: the cluster's nodes as the
/// shared database knows them, and the state an operator sets on one (the
/// node acts on it at its next heartbeat).
struct NodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "node",
        abstract: "List the nodes on this database, or cordon, uncordon or drain one.",
        subcommands: [List.self, SetState.Cordon.self, SetState.Uncordon.self, SetState.Drain.self])

    /// Opens the database the configuration names, for one command.
    static func withStore<R>(_ options: ConfigurationOptions, _ body: (Store, TimeInterval) async throws -> R) async throws -> R {
        let c = try options.load()
        var logger = Logger(label: "parley")
        logger.logLevel = .warning
        let database = try await Database.open(url: c.storage.databaseURL, sqlitePath: c.sqlitePath, logger: logger,
                                               eventLoopGroup: MultiThreadedEventLoopGroup.singleton, threadPool: .singleton)
        do {
            let result = try await body(Store(database: database), TimeInterval(c.cluster.heartbeatSeconds))
            await database.close()
            return result
        } catch {
            await database.close()
            throw error
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show every node: state, heartbeat, load, addresses.")
        @OptionGroup var options: ConfigurationOptions

        func run() async throws {
            let text = try await NodeCommand.withStore(options) { store, interval in
                NodeTable.render(try await store.nodes(), now: Date(), interval: interval)
            }
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }

    enum SetState {
        static func set(_ state: NodeState, name: String, options: ConfigurationOptions) async throws {
            let changed = try await NodeCommand.withStore(options) { store, interval in
                let aliveSince = Int((Date().timeIntervalSince1970 - NodeTable.aliveIntervals * interval) * 1000)
                return try await store.setNodeState(state, named: name, aliveSince: aliveSince)
            }
            guard changed > 0 else {
                throw ValidationError("No live node is named '\(name)' (see `parley node list`).")
            }
            print("\(name): \(state.rawValue) (\(changed) node\(changed == 1 ? "" : "s")); the node acts on it at its next heartbeat.")
        }

        struct Cordon: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Stop a node starting new meetings; its own go on.")
            @Argument(help: "The node's name or id.") var name: String
            @OptionGroup var options: ConfigurationOptions
            func run() async throws { try await SetState.set(.cordoned, name: name, options: options) }
        }

        struct Uncordon: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Let a cordoned node start meetings again.")
            @Argument(help: "The node's name or id.") var name: String
            @OptionGroup var options: ConfigurationOptions
            func run() async throws { try await SetState.set(.ready, name: name, options: options) }
        }

        struct Drain: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Drain a node: not ready, nothing new, and it stops once its meetings are empty (cluster.drain_seconds at most).")
            @Argument(help: "The node's name or id.") var name: String
            @OptionGroup var options: ConfigurationOptions
            func run() async throws { try await SetState.set(.draining, name: name, options: options) }
        }
    }
}
