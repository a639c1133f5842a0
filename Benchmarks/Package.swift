// swift-tools-version: 6.2
import Foundation
import PackageDescription

// A path dependency's package identity is its folder name, which differs between clones
// (main, cyberid, a CI folder…), so derive it rather than hard-code it.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent
    .lowercased()

// Benchmarks live in their own package so `swift test` and CI never build the benchmark plugin.
// Run: swift package --package-path Benchmarks benchmark   (see docs/benchmarks.md)
let package = Package(
    name: "CyberIDBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
    ],
    targets: [
        .executableTarget(
            name: "CyberIDBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "CyberIDCore", package: root),
                .product(name: "CyberIDKeys", package: root),
                .product(name: "CyberIDDocuments", package: root),
                .product(name: "CyberIDDevTools", package: root),
                .product(name: "CyberIDQR", package: root),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Benchmarks/CyberIDBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        )
    ]
)
