import NodeAgent

/// The built-in providers (`mock`, `kubemark`, `cloudpool`), each registered under its `--provider` name.
public enum Providers {
    /// Names accepted by `--provider`; grows as each provider lands.
    public static let names: [String] = []
}
