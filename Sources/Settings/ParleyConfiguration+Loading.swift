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
                guard let key = byName[name] else {
                    throw ConfigurationError(message: "\(fileName) line \(line): unknown key '\(name)'")
                }
                do {
                    try key.apply(&config, value.text)
                } catch {
                    throw ConfigurationError(message: "\(fileName) line \(line): \(name): \(error.message)")
                }
            }
        }
        for key in keys {
            guard let value = environment[key.environmentName] else { continue }
            do {
                try key.apply(&config, value)
            } catch {
                throw ConfigurationError(message: "environment \(key.environmentName): \(error.message)")
            }
        }
        for (name, value) in overrides.sorted(by: { $0.key < $1.key }) {
            guard let key = byName[name] else {
                throw ConfigurationError(message: "unknown setting '\(name)'")
            }
            do {
                try key.apply(&config, value)
            } catch {
                throw ConfigurationError(message: "\(name): \(error.message)")
            }
        }
        return config
    }
}
