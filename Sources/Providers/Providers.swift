import Loop
import NodeAgent

/// The built-in providers, each registered under its `--provider` name with how to make it from its
/// `--provider-config` file (nil when none was given). Adding a provider is one type and one line here.
public enum Providers {
    public typealias Factory = @LoopActor (_ configPath: String?) throws(ProviderConfigError) -> any Provider

    public static let registry: [String: Factory] = [
        "mock": { path throws(ProviderConfigError) in
            guard let path else { return MockProvider() }
            return MockProvider(configuration: try MockConfiguration.load(path: path))
        },
        "kubemark": { path throws(ProviderConfigError) in
            KubemarkProvider(configuration: try path.map(KubemarkConfiguration.load) ?? KubemarkConfiguration())
        },
    ]

    /// Names accepted by `--provider`, sorted.
    public static var names: [String] { registry.keys.sorted() }

    /// The provider `name` with its config, or a one-line error.
    @LoopActor
    public static func make(_ name: String, configPath: String?) throws(ProviderConfigError) -> any Provider {
        try factory(name)(configPath)
    }

    /// The factory registered as `name`, or the one-line error `--provider` answers with.
    public static func factory(_ name: String) throws(ProviderConfigError) -> Factory {
        guard let factory = registry[name] else {
            throw ProviderConfigError("unknown provider \"\(name)\" (known: \(names.joined(separator: ", ")))")
        }
        return factory
    }
}

/// A provider configuration that cannot be used, as one line.
public struct ProviderConfigError: Error, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
