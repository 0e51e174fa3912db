import Foundation

extension ParleyConfiguration {
    /// Builds the configuration from its three sources.
    ///
    /// - Parameters:
    ///   - fileText: the TOML file's contents, if a file is used.
    ///   - fileName: the file's name, for error messages.
    ///   - environment: the process environment (only `PARLEY_*` names are read).
    ///   - overrides: dotted key → value from command-line flags; applied last.
    public static func load(
        fileText: String?,
        fileName: String = "configuration file",
        environment: [String: String],
        overrides: [String: String] = [:]
    ) throws(ConfigurationError) -> ParleyConfiguration {
        var config = ParleyConfiguration()
        let byName = Dictionary(uniqueKeysWithValues: keys.map { ($0.name, $0) })

        if let fileText {
            let document: TOMLDocument
            do {
                document = try TOMLDocument(parsing: fileText)
            } catch {
                throw ConfigurationError(message: "\(fileName): \(error)")
            }
            for (name, value) in document.values.sorted(by: { $0.key < $1.key }) {
                let line = document.lines[name] ?? 0
                guard let key = byName[name] ?? Trunk.key(named: name) else {
                    throw ConfigurationError(message: "\(fileName) line \(line): unknown key '\(name)'")
                }
                do {
                    try key.apply(&config, value.text)
                } catch {
                    throw ConfigurationError(message: "\(fileName) line \(line): \(name): \(error.message)")
                }
            }
        }
        // PARLEY_TRUNK_1_URI: the second trunk's uri.
        let trunkKeys = environment.keys.sorted().compactMap { variable -> Key? in
            guard variable.hasPrefix("PARLEY_TRUNK_"), let digit = variable.dropFirst(13).first, digit.isNumber else { return nil }
            let rest = variable.dropFirst(13).lowercased()
            guard let underscore = rest.firstIndex(of: "_") else { return nil }
            return Trunk.key(named: "trunk.\(rest[..<underscore]).\(rest[rest.index(after: underscore)...])")
        }
        for key in keys + trunkKeys {
            guard let value = environment[key.environmentName] else { continue }
            do {
                try key.apply(&config, value)
            } catch {
                throw ConfigurationError(message: "environment \(key.environmentName): \(error.message)")
            }
        }
        for (name, value) in overrides.sorted(by: { $0.key < $1.key }) {
            guard let key = byName[name] ?? Trunk.key(named: name) else {
                throw ConfigurationError(message: "unknown setting '\(name)'")
            }
            do {
                try key.apply(&config, value)
            } catch {
                throw ConfigurationError(message: "\(name): \(error.message)")
            }
        }
        try config.settleTrunks()
        return config
    }
}
