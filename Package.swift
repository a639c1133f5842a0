// swift-tools-version: 6.2
import PackageDescription

/// Settings every CyberID target shares (see STYLE.md, point 3).
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "cyberid",
    platforms: [.macOS(.v15), .iOS(.v18)],
    products: [
        .executable(name: "cyberid", targets: ["cyberid"]),
        .library(name: "CyberIDCore", targets: ["CyberIDCore"]),
        .library(name: "CyberIDKeys", targets: ["CyberIDKeys"]),
        .library(name: "CyberIDStore", targets: ["CyberIDStore"]),
        .library(name: "CyberIDDocuments", targets: ["CyberIDDocuments"]),
        .library(name: "CyberIDEnrollment", targets: ["CyberIDEnrollment"]),
        .library(name: "CyberIDWallet", targets: ["CyberIDWallet"]),
        .library(name: "CyberIDServer", targets: ["CyberIDServer"]),
        .library(name: "CyberIDProvider", targets: ["CyberIDProvider"]),
        .library(name: "CyberIDRelyingParty", targets: ["CyberIDRelyingParty"]),
        .library(name: "CyberIDQR", targets: ["CyberIDQR"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-configuration", from: "1.4.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/vapor/sqlite-nio", from: "1.13.2"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/attaswift/BigInt", from: "6.0.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.8.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
    ],
    targets: [
        // base64url, shared by the server, the wallet SDK and the relying-party SDK.
        .target(
            name: "CyberIDBase64URL",
            swiftSettings: swiftSettings
        ),
        // Domain types and rules: pure, no I/O.
        .target(
            name: "CyberIDCore",
            swiftSettings: swiftSettings
        ),
        // Storage protocols, the portable SQL layer and its SQLite and PostgreSQL drivers.
        .target(
            name: "CyberIDStore",
            dependencies: [
                "CyberIDCore",
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // ICAO Doc 9303: MRZ, data groups, SOD, passive and active authentication, trust store.
        .target(
            name: "CyberIDDocuments",
            dependencies: [
                "CyberIDCore",
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "BigInt", package: "BigInt"),
            ],
            swiftSettings: swiftSettings
        ),
        // Identity proofing → identity record → network number + certificate.
        .target(
            name: "CyberIDEnrollment",
            dependencies: [
                "CyberIDBase64URL", "CyberIDCore", "CyberIDDocuments", "CyberIDKeys", "CyberIDStore",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // The holder's SDK: Foundation and swift-crypto only, so it ships in a phone app.
        .target(
            name: "CyberIDWallet",
            dependencies: ["CyberIDBase64URL", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        // Signing keys, JWKS, master key, envelope encryption, blind index.
        .target(
            name: "CyberIDKeys",
            dependencies: [
                "CyberIDBase64URL",
                "CyberIDCore",
                "CyberIDStore",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // QR codes (ISO/IEC 18004) for the login page: no package is available, so a small encoder.
        .target(
            name: "CyberIDQR",
            swiftSettings: swiftSettings
        ),
        // The OpenID Provider: clients, authorization, wallet login, consent, tokens.
        .target(
            name: "CyberIDProvider",
            dependencies: [
                "CyberIDBase64URL", "CyberIDCore", "CyberIDStore", "CyberIDKeys", "CyberIDEnrollment",
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // The relying party's SDK: discovery, PKCE authorization URL, code exchange, ID-token checks.
        .target(
            name: "CyberIDRelyingParty",
            dependencies: [
                "CyberIDBase64URL",
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // HTTP layer: routes, problem+json, metrics, configuration, service wiring.
        .target(
            name: "CyberIDServer",
            dependencies: [
                "CyberIDBase64URL",
                "CyberIDCore",
                "CyberIDStore",
                "CyberIDKeys",
                "CyberIDDocuments",
                "CyberIDEnrollment",
                "CyberIDProvider",
                "CyberIDQR",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The thin command-line front: parses arguments and wires services.
        .executableTarget(
            name: "cyberid",
            dependencies: [
                "CyberIDBase64URL",
                "CyberIDServer",
                "CyberIDDocuments",
                "CyberIDEnrollment",
                "CyberIDWallet",
                "CyberIDProvider",
                "CyberIDRelyingParty",
                "CyberIDCore",
                "CyberIDStore",
                "CyberIDKeys",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CyberIDCoreTests",
            dependencies: ["CyberIDCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CyberIDStoreTests",
            dependencies: [
                "CyberIDStore", "CyberIDCore", "CyberIDKeys",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CyberIDDocumentsTests",
            dependencies: [
                "CyberIDDocuments", "CyberIDCore",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CyberIDEnrollmentTests",
            dependencies: [
                "CyberIDBase64URL",
                "CyberIDEnrollment", "CyberIDDocuments", "CyberIDCore", "CyberIDKeys", "CyberIDStore",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CyberIDWalletTests",
            dependencies: [
                "CyberIDBase64URL",
                "CyberIDWallet",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CyberIDKeysTests",
            dependencies: [
                "CyberIDBase64URL",
                "CyberIDKeys", "CyberIDStore",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CyberIDQRTests",
            dependencies: ["CyberIDQR"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CyberIDProviderTests",
            dependencies: [
                "CyberIDBase64URL",
                "CyberIDProvider", "CyberIDStore", "CyberIDKeys", "CyberIDEnrollment", "CyberIDCore",
                "CyberIDDocuments", "CyberIDWallet",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CyberIDServerTests",
            dependencies: [
                "CyberIDBase64URL",
                "CyberIDServer", "CyberIDStore", "CyberIDKeys", "CyberIDEnrollment", "CyberIDProvider",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "Configuration", package: "swift-configuration"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
