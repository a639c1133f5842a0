// swift-tools-version: 6.2
import PackageDescription

/// Settings every CyberID target shares (see STYLE.md, point 3).
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

/// `CYBERID_FUZZ=1` is set by scripts/fuzz only: CyberID's own modules are then built with
/// AddressSanitizer and SanitizerCoverage, and the libFuzzer targets (Fuzz/CyberIDFuzz) are added.
/// The dependencies stay as they are, so their objects are reused from the normal build.
let fuzzing = Context.environment["CYBERID_FUZZ"] == "1"
let fuzzSettings: [SwiftSetting] =
    fuzzing ? [.unsafeFlags(["-sanitize=address", "-sanitize-coverage=edge,inline-8bit-counters,pc-table,trace-cmp"])] : []

/// Products shared by several targets.
let crypto: [Target.Dependency] = [.product(name: "Crypto", package: "swift-crypto")]
let x509: [Target.Dependency] = [
    .product(name: "X509", package: "swift-certificates"), .product(name: "SwiftASN1", package: "swift-asn1"),
]
let httpClient: [Target.Dependency] = [
    .product(name: "AsyncHTTPClient", package: "async-http-client"), .product(name: "NIOCore", package: "swift-nio"),
    .product(name: "NIOHTTP1", package: "swift-nio"), .product(name: "NIOFoundationCompat", package: "swift-nio"),
]
let jwt: [Target.Dependency] = [.product(name: "JWTKit", package: "jwt-kit")]
let logging: [Target.Dependency] = [
    .product(name: "Logging", package: "swift-log"),
    .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
]

/// A library target with the shared settings.
func library(_ name: String, _ dependencies: [Target.Dependency] = []) -> Target {
    .target(name: name, dependencies: dependencies, swiftSettings: swiftSettings + fuzzSettings)
}

/// A test target with the shared settings.
func tests(_ name: String, _ dependencies: [Target.Dependency]) -> Target {
    .testTarget(name: name, dependencies: dependencies, swiftSettings: swiftSettings)
}

let package = Package(
    name: "cyberid",
    platforms: [.macOS(.v15), .iOS(.v18)],
    products: [
        .executable(name: "cyberid", targets: ["cyberid"]),
        .library(name: "CyberIDCore", targets: ["CyberIDCore"]),
        .library(name: "CyberIDKeys", targets: ["CyberIDKeys"]),
        .library(name: "CyberIDStore", targets: ["CyberIDStore"]),
        .library(name: "CyberIDDocuments", targets: ["CyberIDDocuments"]),
        .library(name: "CyberIDVault", targets: ["CyberIDVault"]),
        .library(name: "CyberIDLimits", targets: ["CyberIDLimits"]),
        .library(name: "CyberIDIssuance", targets: ["CyberIDIssuance"]),
        .library(name: "CyberIDAdapters", targets: ["CyberIDAdapters"]),
        .library(name: "CyberIDLifecycle", targets: ["CyberIDLifecycle"]),
        .library(name: "CyberIDEnrollment", targets: ["CyberIDEnrollment"]),
        .library(name: "CyberIDServices", targets: ["CyberIDServices"]),
        .library(name: "CyberIDDevTools", targets: ["CyberIDDevTools"]),
        .library(name: "CyberIDWallet", targets: ["CyberIDWallet"]),
        .library(name: "CyberIDServer", targets: ["CyberIDServer"]),
        .library(name: "CyberIDProvider", targets: ["CyberIDProvider"]),
        .library(name: "CyberIDRelyingParty", targets: ["CyberIDRelyingParty"]),
        .library(name: "CyberIDQR", targets: ["CyberIDQR"]),
        .library(name: "CyberIDWeb", targets: ["CyberIDWeb"]),
        .library(name: "CyberIDSDJWT", targets: ["CyberIDSDJWT"]),
        .library(name: "CyberIDVerifier", targets: ["CyberIDVerifier"]),
        .library(name: "CyberIDCredentials", targets: ["CyberIDCredentials"]),
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
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
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
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
    ],
    targets: [
        // base64url, shared by the server, the wallet SDK and the relying-party SDK.
        library("CyberIDBase64URL"),
        // A compact binary layout for what only CyberID reads back (the login's sealed state).
        library("CyberIDBytes"),
        // Domain types and rules: pure, no I/O, no Foundation.
        library("CyberIDCore"),
        // Storage protocols, the portable SQL layer and its SQLite and PostgreSQL drivers.
        library(
            "CyberIDStore",
            [
                "CyberIDCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ] + logging),
        // Master key, ES256 signing keys + JWKS + JWT signing, envelope encryption, blind index,
        // password hashing (scrypt).
        library(
            "CyberIDKeys",
            ["CyberIDBase64URL", "CyberIDCore", "CyberIDStore", .product(name: "_CryptoExtras", package: "swift-crypto")]
                + crypto + jwt),
        // The identity vault: sealed identity records, randomness, the civil calendar.
        library("CyberIDVault", ["CyberIDBase64URL", "CyberIDCore", "CyberIDKeys", "CyberIDStore"]),
        // Rate limits: counters shared by every process through the store, keys blind-indexed.
        library("CyberIDLimits", ["CyberIDCore", "CyberIDKeys", "CyberIDStore"]),
        // ICAO Doc 9303: MRZ, data groups, SOD, passive and active authentication, trust store.
        library(
            "CyberIDDocuments",
            ["CyberIDCore", .product(name: "_CryptoExtras", package: "swift-crypto"), .product(name: "BigInt", package: "BigInt")]
                + crypto + x509),
        // CyberID CAs, network certificate issuance, CSRs, CRL, the typed wallet-token verifier.
        library(
            "CyberIDIssuance",
            ["CyberIDBase64URL", "CyberIDCore", "CyberIDKeys", "CyberIDStore", "CyberIDVault"] + crypto + x509),
        // Outbound adapters: SMS gateways, face matchers.
        library("CyberIDAdapters", httpClient),
        // Person actions, renewal, guardianship; history, Security Events, audit log.
        library(
            "CyberIDLifecycle",
            [
                "CyberIDBase64URL", "CyberIDCore", "CyberIDKeys", "CyberIDStore", "CyberIDVault", "CyberIDIssuance",
                "CyberIDAdapters",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
            ] + crypto + jwt),
        // Enrollment sessions: document, phone, face, complete (also replacement and phone change).
        library(
            "CyberIDEnrollment",
            [
                "CyberIDBase64URL", "CyberIDCore", "CyberIDDocuments", "CyberIDKeys", "CyberIDStore", "CyberIDVault",
                "CyberIDIssuance", "CyberIDAdapters", "CyberIDLimits",
            ] + crypto + x509),
        // SD-JWT (RFC 9901): disclosures, issuance, presentations with key binding; compact JWS
        // and P-256 JWKs. Foundation and swift-crypto only: the wallet SDK and verifiers use it.
        library("CyberIDSDJWT", ["CyberIDBase64URL"] + crypto),
        // Token Status List (draft-ietf-oauth-status-list): packed bits, zlib via compress-nio.
        library(
            "CyberIDStatusList",
            [
                "CyberIDBase64URL", .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]),
        // The credential issuer (OpenID4VCI pre-authorized code flow, SD-JWT VC, status lists).
        library(
            "CyberIDCredentials",
            [
                "CyberIDBase64URL", "CyberIDCore", "CyberIDStore", "CyberIDKeys", "CyberIDVault", "CyberIDSDJWT",
                "CyberIDStatusList",
            ] + crypto),
        // The verifier's SDK: OpenID4VP requests (DCQL, direct_post) and presentation checks,
        // with the issuer's keys and status lists cached for offline use.
        library("CyberIDVerifier", ["CyberIDBase64URL", "CyberIDSDJWT", "CyberIDStatusList"] + crypto),
        // The holder's SDK: Foundation and swift-crypto only, so it ships in a phone app.
        library("CyberIDWallet", ["CyberIDBase64URL", "CyberIDSDJWT"] + crypto),
        // QR codes (ISO/IEC 18004) for the login page: no package is available, so a small encoder.
        library("CyberIDQR"),
        // The web pages' foundation (issue 14, shared with the operator console of issue 15):
        // languages and string catalogues, __Host- cookies, CSRF tokens, the strict CSP, SVG charts.
        library("CyberIDWeb", ["CyberIDBase64URL"] + crypto),
        // The OpenID Provider: clients, authorization, wallet login, consent, tokens.
        library(
            "CyberIDProvider",
            [
                "CyberIDBase64URL", "CyberIDBytes", "CyberIDCore", "CyberIDStore", "CyberIDKeys", "CyberIDVault",
                "CyberIDIssuance", "CyberIDAdapters", "CyberIDLimits",
            ] + crypto + jwt + httpClient),
        // The relying party's SDK: discovery, PKCE authorization URL, code exchange, ID-token checks.
        library("CyberIDRelyingParty", ["CyberIDBase64URL"] + crypto + jwt + httpClient),
        // The demo platform (issue 14): a second web app signing visitors in through the relying
        // party's SDK and showing what it learned; `cyberid dev demo-platform` serves it.
        library(
            "CyberIDDemoPlatform",
            [
                "CyberIDRelyingParty", "CyberIDWeb", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"), .product(name: "NIOCore", package: "swift-nio"),
            ]),
        // Application services the interfaces call: AdminService (audited operator use cases) and
        // HolderService (history, consents, own lifecycle, guardians).
        library(
            "CyberIDServices",
            [
                "CyberIDCore", "CyberIDStore", "CyberIDKeys", "CyberIDVault", "CyberIDIssuance", "CyberIDLifecycle",
                "CyberIDProvider", "CyberIDDocuments",
            ] + crypto + x509),
        // Development and load tools: test documents, HTTP load drivers (never linked by the
        // service libraries; the `cyberid` binary offers them as `dev` and `bench`).
        library(
            "CyberIDDevTools",
            [
                "CyberIDBase64URL", "CyberIDCore", "CyberIDDocuments", "CyberIDWallet", "CyberIDRelyingParty",
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ] + crypto + x509 + httpClient),
        // HTTP layer: routes, problem+json, metrics, configuration, service wiring.
        library(
            "CyberIDServer",
            [
                "CyberIDBase64URL", "CyberIDCore", "CyberIDStore", "CyberIDKeys", "CyberIDVault", "CyberIDDocuments",
                "CyberIDIssuance", "CyberIDAdapters", "CyberIDLifecycle", "CyberIDEnrollment", "CyberIDProvider",
                "CyberIDServices", "CyberIDQR", "CyberIDLimits", "CyberIDCredentials", "CyberIDSDJWT", "CyberIDWeb",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
            ] + crypto + logging),
        // The thin command-line front: parses arguments and wires services.
        .executableTarget(
            name: "cyberid",
            dependencies: [
                "CyberIDServer", "CyberIDDocuments", "CyberIDEnrollment", "CyberIDWallet", "CyberIDProvider",
                "CyberIDRelyingParty", "CyberIDCore", "CyberIDStore", "CyberIDKeys", "CyberIDVault", "CyberIDIssuance",
                "CyberIDLifecycle", "CyberIDServices", "CyberIDDevTools", "CyberIDSDJWT", "CyberIDVerifier", "CyberIDQR",
                "CyberIDDemoPlatform",
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "X509", package: "swift-certificates"),
            ] + crypto + logging,
            swiftSettings: swiftSettings
        ),
        // What the test targets share: both store backends, a wired service world.
        .target(
            name: "CyberIDTestSupport",
            dependencies: [
                "CyberIDBase64URL", "CyberIDCore", "CyberIDStore", "CyberIDKeys", "CyberIDIssuance", "CyberIDAdapters",
                "CyberIDEnrollment", "CyberIDDevTools",
            ] + crypto + x509 + logging,
            path: "Tests/CyberIDTestSupport",
            swiftSettings: swiftSettings
        ),
        tests("CyberIDCoreTests", ["CyberIDCore"]),
        tests("CyberIDBytesTests", ["CyberIDBytes"]),
        tests("CyberIDWebTests", ["CyberIDWeb"] + crypto),
        tests(
            "CyberIDDemoPlatformTests",
            [
                "CyberIDDemoPlatform", "CyberIDRelyingParty", "CyberIDWeb",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"), .product(name: "NIOCore", package: "swift-nio"),
            ]),
        tests(
            "CyberIDStoreTests",
            ["CyberIDStore", "CyberIDCore", "CyberIDTestSupport", .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio")] + logging),
        tests(
            "CyberIDDocumentsTests",
            ["CyberIDDocuments", "CyberIDCore", "CyberIDDevTools"] + crypto + x509),
        tests(
            "CyberIDIssuanceTests",
            ["CyberIDIssuance", "CyberIDCore", "CyberIDStore", "CyberIDKeys", "CyberIDDocuments", "CyberIDTestSupport"]
                + crypto + x509),
        tests(
            "CyberIDLifecycleTests",
            [
                "CyberIDLifecycle", "CyberIDCore", "CyberIDStore", "CyberIDKeys", "CyberIDVault", "CyberIDIssuance",
                "CyberIDEnrollment", "CyberIDDevTools", "CyberIDTestSupport",
            ] + crypto),
        tests(
            "CyberIDEnrollmentTests",
            [
                "CyberIDBase64URL", "CyberIDEnrollment", "CyberIDDocuments", "CyberIDCore", "CyberIDKeys", "CyberIDStore",
                "CyberIDVault", "CyberIDIssuance", "CyberIDAdapters", "CyberIDDevTools", "CyberIDLifecycle",
                "CyberIDTestSupport",
            ] + crypto + x509 + logging),
        tests("CyberIDWalletTests", ["CyberIDWallet"] + crypto + x509),
        tests(
            "CyberIDServicesTests",
            [
                "CyberIDServices", "CyberIDCore", "CyberIDStore", "CyberIDKeys", "CyberIDVault", "CyberIDIssuance",
                "CyberIDEnrollment", "CyberIDTestSupport",
            ] + crypto),
        tests("CyberIDKeysTests", ["CyberIDBase64URL", "CyberIDKeys", "CyberIDStore"] + crypto),
        tests("CyberIDQRTests", ["CyberIDQR"]),
        tests(
            "CyberIDCredentialsTests",
            [
                "CyberIDCredentials", "CyberIDSDJWT", "CyberIDStatusList", "CyberIDVerifier", "CyberIDCore", "CyberIDStore",
                "CyberIDKeys", "CyberIDBase64URL", "CyberIDLifecycle", "CyberIDIssuance", "CyberIDTestSupport",
            ] + crypto + x509),
        tests(
            "CyberIDRelyingPartyTests",
            [
                "CyberIDBase64URL", "CyberIDRelyingParty", "CyberIDServer", "CyberIDProvider", "CyberIDEnrollment",
                "CyberIDIssuance", "CyberIDDocuments", "CyberIDDevTools", "CyberIDStore", "CyberIDCore", "CyberIDKeys",
                "CyberIDWallet",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ] + crypto + jwt + logging),
        tests(
            "CyberIDProviderTests",
            [
                "CyberIDBase64URL", "CyberIDBytes", "CyberIDProvider", "CyberIDStore", "CyberIDKeys", "CyberIDEnrollment",
                "CyberIDCore",
                "CyberIDDocuments", "CyberIDWallet", "CyberIDVault", "CyberIDIssuance", "CyberIDAdapters",
                "CyberIDLifecycle", "CyberIDServices", "CyberIDDevTools", "CyberIDTestSupport", "CyberIDRelyingParty",
                "CyberIDLimits", "CyberIDSDJWT",
                .product(name: "Logging", package: "swift-log"),
            ] + crypto + x509 + jwt),
        tests(
            "CyberIDLimitsTests",
            ["CyberIDLimits", "CyberIDCore", "CyberIDKeys", "CyberIDStore", "CyberIDTestSupport"]),
        tests(
            "CyberIDServerTests",
            [
                "CyberIDServer", "CyberIDStore", "CyberIDKeys", "CyberIDProvider", "CyberIDAdapters", "CyberIDServices",
                "CyberIDWeb", "CyberIDCore", "CyberIDLifecycle", "CyberIDDevTools", "CyberIDIssuance",
                "CyberIDVault", "CyberIDEnrollment", "CyberIDBase64URL", .product(name: "X509", package: "swift-certificates"), .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"), .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Mustache", package: "swift-mustache"),
            ]),
    ]
)

if fuzzing {
    // One executable, one target per parser: `cyberid-fuzz TARGET [libFuzzer flags] [CORPUS …]`.
    // libFuzzer's driver (libclang_rt.fuzzer_no_main) is linked by scripts/fuzz.
    package.products.append(.executable(name: "cyberid-fuzz", targets: ["CyberIDFuzz"]))
    package.targets.append(
        .executableTarget(
            name: "CyberIDFuzz",
            dependencies: [
                "CyberIDBase64URL", "CyberIDCore", "CyberIDDocuments", "CyberIDIssuance", "CyberIDKeys", "CyberIDStore",
                "CyberIDProvider", "CyberIDDevTools", "CyberIDSDJWT", "CyberIDStatusList", "CyberIDVerifier", "CyberIDWallet",
                .product(name: "JWTKit", package: "jwt-kit"),
            ] + crypto + x509,
            path: "Fuzz/CyberIDFuzz",
            swiftSettings: swiftSettings + fuzzSettings + [.unsafeFlags(["-parse-as-library"])],
            linkerSettings: [.unsafeFlags(["-sanitize=address"])]))
}
