// swift-tools-version:6.0
import PackageDescription

// Layers, lowest first: C system libraries → Loop → HTTP (shared) → HTTPServer / HTTPClient
// → Kube → ControlPlane / NodeAgent → Providers / Valet → the executable. Arrows only point down.
let package = Package(
    name: "node-agent",
    products: [
        .executable(name: "node-agent", targets: ["CLI"]),
        .executable(name: "node-agent-bench", targets: ["Bench"]),
    ],
    dependencies: [
        // YAML for kubeconfig files and provider configs (a thin layer over libyaml; builds in seconds).
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        .systemLibrary(name: "CLibUV", pkgConfig: "libuv", providers: [.apt(["libuv1-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CHTTPParser", providers: [.apt(["libhttp-parser-dev"])]),
        .systemLibrary(name: "CMimalloc"),

        .target(name: "Loop", dependencies: ["CLibUV", "CMimalloc"]),
        .target(name: "HTTP", dependencies: ["Loop"]),
        .target(name: "HTTPServer", dependencies: ["HTTP", "Loop", "CLibUV", "COpenSSL", "CHTTPParser"]),
        .target(name: "HTTPClient", dependencies: ["HTTP", "Loop", "CLibUV", "CCurl", "CHTTPParser"]),

        .target(name: "Kube", dependencies: ["HTTP", "HTTPClient", "Loop", .product(name: "Yams", package: "Yams")]),
        .target(name: "ControlPlane", dependencies: ["Kube", "HTTPServer", "HTTPClient"]),
        .target(name: "NodeAgent", dependencies: ["Kube", "HTTPServer", "HTTPClient"]),
        .target(name: "Providers", dependencies: ["NodeAgent"]),
        .target(name: "Valet", dependencies: ["Kube", "HTTPServer", "HTTPClient"]),
        .executableTarget(
            name: "CLI",
            dependencies: ["NodeAgent", "Providers", "Valet", "ControlPlane"]),
        .executableTarget(name: "Bench", dependencies: ["HTTPServer", "HTTPClient", "ControlPlane"]),

        .target(name: "TestSupport", dependencies: ["Loop"], path: "Tests/TestSupport"),
        .testTarget(name: "LoopTests", dependencies: ["Loop", "TestSupport"]),
        .testTarget(name: "HTTPTests", dependencies: ["HTTP"]),
        .testTarget(name: "HTTPServerTests", dependencies: ["HTTPServer", "TestSupport"]),
        .testTarget(name: "HTTPClientTests", dependencies: ["HTTPClient", "HTTPServer", "TestSupport"]),
        .testTarget(name: "KubeTests", dependencies: ["Kube", "HTTPServer", "TestSupport"]),
        .testTarget(
            name: "NodeAgentTests",
            dependencies: ["NodeAgent", "Providers", "ControlPlane", "Kube", "HTTPServer", "HTTPClient", "Loop", "TestSupport"]),
        .testTarget(name: "ProvidersTests", dependencies: ["Providers", "NodeAgent", "Kube", "Loop", "TestSupport"]),
        .testTarget(name: "ControlPlaneTests", dependencies: ["ControlPlane", "Kube", "HTTPServer", "HTTPClient", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
