import CyberIDKeys
import CyberIDProvider
import CyberIDStore
import Foundation
import Logging
import Testing

@testable import CyberIDServer

@Suite struct SettingsTests {
    @Test func defaultsAreTheEmbeddedOnes() async throws {
        let settings = try await ServerSettings.load(environment: [:])
        #expect(settings.issuer == "http://127.0.0.1:8080")
        #expect(settings.host == "127.0.0.1")
        #expect(settings.port == 8080)
        #expect(settings.database == .sqlite(path: "./data/cyberid.sqlite"))
        #expect(settings.dataDirectory == "./data")
        #expect(settings.logLevel == .info)
        #expect(settings.masterKey == nil)
        #expect(settings.maxBodyBytes == 1 << 20)
    }

    /// `CYBERID_SEALING_FORM`: 4 unless set; 3 or 2 for a rolling upgrade; nothing else.
    @Test func theSealingFormIsTwoThreeOrFour() async throws {
        #expect(try await ServerSettings.load(environment: [:]).sealingForm == 4)
        #expect(try await ServerSettings.load(environment: ["CYBERID_SEALING_FORM": "3"]).sealingForm == 3)
        #expect(try await ServerSettings.load(environment: ["CYBERID_SEALING_FORM": "2"]).sealingForm == 2)
        for bad in ["1", "5", "x"] {
            await #expect(throws: ConfigurationError.self) {
                _ = try await ServerSettings.load(environment: ["CYBERID_SEALING_FORM": bad])
            }
        }
    }

    /// `CYBERID_QR_STEP_SECONDS`: 5 unless set, 1–10, and the provider is given it.
    @Test func theQRStepIsOneToTenSecondsAndReachesTheProvider() async throws {
        #expect(try await ServerSettings.load(environment: [:]).qrStepSeconds == 5)
        #expect(Runtime.providerConfiguration(try await ServerSettings.load(environment: [:])).qrStepSeconds == 5)
        for good in [1, 7, 10] {
            let settings = try await ServerSettings.load(environment: ["CYBERID_QR_STEP_SECONDS": "\(good)"])
            #expect(settings.qrStepSeconds == good && Runtime.providerConfiguration(settings).qrStepSeconds == good)
        }
        for bad in ["0", "11", "30", "x", "-5"] {
            await #expect(throws: ConfigurationError.self) {
                _ = try await ServerSettings.load(environment: ["CYBERID_QR_STEP_SECONDS": bad])
            }
        }
    }

    @Test func theHeldPollLimitIsZeroToTenMillionAndReachesTheProvider() async throws {
        #expect(Runtime.providerConfiguration(try await ServerSettings.load(environment: [:])).heldPollLimit == 100_000)
        for good in [0, 1, 10_000_000] {
            let settings = try await ServerSettings.load(environment: ["CYBERID_HELD_POLL_LIMIT": "\(good)"])
            #expect(Runtime.providerConfiguration(settings).heldPollLimit == good)
        }
        for bad in ["-1", "10000001", "x"] {
            await #expect(throws: ConfigurationError.self) {
                _ = try await ServerSettings.load(environment: ["CYBERID_HELD_POLL_LIMIT": bad])
            }
        }
    }

    @Test func requiringTheLoginViewIsOffByDefaultAndReachesTheProvider() async throws {
        #expect(Runtime.providerConfiguration(try await ServerSettings.load(environment: [:])).requireLoginView == false)
        for (text, required) in [("true", true), ("1", true), ("yes", true), ("false", false), ("0", false)] {
            let settings = try await ServerSettings.load(environment: ["CYBERID_REQUIRE_LOGIN_VIEW": text])
            #expect(Runtime.providerConfiguration(settings).requireLoginView == required)
        }
    }

    @Test func environmentOverridesEverything() async throws {
        let settings = try await ServerSettings.load(environment: [
            "CYBERID_ISSUER": "https://id.example.cn/",
            "CYBERID_HOST": "0.0.0.0",
            "CYBERID_PORT": "9443",
            "CYBERID_DATABASE_URL": "postgres://u:p@db:5432/cyberid?sslmode=require",
            "CYBERID_DATA_DIR": "/var/lib/cyberid",
            "CYBERID_LOG_LEVEL": "DEBUG",
            "CYBERID_MAX_BODY_BYTES": "65536",
            "CYBERID_SMS_WEBHOOK_URL": "https://sms.example.cn/send",
        ])
        #expect(settings.issuer == "https://id.example.cn")
        #expect(settings.host == "0.0.0.0")
        #expect(settings.port == 9443)
        #expect(settings.database == .postgres(host: "db", port: 5432, user: "u", password: "p", database: "cyberid", tls: .require))
        #expect(settings.logLevel == .debug)
        #expect(settings.maxBodyBytes == 65536)
    }

    @Test func theSQLiteFileFollowsTheDataDirectory() async throws {
        let settings = try await ServerSettings.load(environment: ["CYBERID_DATA_DIR": "/srv/id"])
        #expect(settings.database == .sqlite(path: "/srv/id/cyberid.sqlite"))
    }

    @Test(arguments: [
        ("CYBERID_PORT", "abc"), ("CYBERID_PORT", "70000"), ("CYBERID_PORT", "-1"),
        ("CYBERID_ISSUER", "http://id.example.cn"), ("CYBERID_ISSUER", "https://id.example.cn/?x=1"),
        ("CYBERID_ISSUER", "id.example.cn"), ("CYBERID_DATABASE_URL", "mysql://x@y/z"),
        ("CYBERID_LOG_LEVEL", "loud"), ("CYBERID_MAX_BODY_BYTES", "10"), ("CYBERID_ALLOW_DEV_SMS", "maybe"),
        ("CYBERID_METRICS_PORT", "99999"), ("CYBERID_STALE_CRL_POLICY", "ignore"),
        ("CYBERID_SQLITE_SYNCHRONOUS", "OFF"), ("CYBERID_SIGNING_KEY_ACTIVATION_SECONDS", "3601"),
        ("CYBERID_VERIFICATION_RETENTION_DAYS", "-1"), ("CYBERID_VERIFICATION_RETENTION_DAYS", "forever"),
        ("CYBERID_SECURITY_EVENT_RETENTION_DAYS", "-1"), ("CYBERID_SECURITY_EVENT_RETENTION_DAYS", "36501"),
        ("CYBERID_REQUESTS_ON_CONNECTION_LOOP", "sometimes"), ("CYBERID_REQUIRE_LOGIN_VIEW", "later"),
    ])
    func badValuesNameTheirSetting(_ key: String, _ value: String) async throws {
        do {
            _ = try await ServerSettings.load(environment: [key: value])
            Issue.record("\(key)=\(value) was accepted")
        } catch {
            #expect(error.setting == key)
            #expect(error.description.hasPrefix("configuration error: \(key) "))
        }
    }

    @Test func readsAJSONFileUnderTheEnvironment() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cyberid-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(#"{"cyberid":{"issuer":"https://file.example","port":"7000","databaseUrl":"sqlite:/tmp/f.sqlite","allowDevSms":"true"}}"#.utf8)
            .write(to: URL(fileURLWithPath: path))
        let settings = try await ServerSettings.load(environment: ["CYBERID_CONFIG_FILE": path, "CYBERID_PORT": "7001"])
        #expect(settings.issuer == "https://file.example")
        #expect(settings.port == 7001)
        #expect(settings.database == .sqlite(path: "/tmp/f.sqlite"))
    }

    @Test func aMissingOrMalformedConfigFileIsAnError() async throws {
        await #expect(throws: ConfigurationError.self) {
            _ = try await ServerSettings.load(environment: ["CYBERID_CONFIG_FILE": "/nonexistent/cyberid.json"])
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cyberid-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data("{ not json".utf8).write(to: URL(fileURLWithPath: path))
        await #expect(throws: ConfigurationError.self) {
            _ = try await ServerSettings.load(environment: ["CYBERID_CONFIG_FILE": path])
        }
    }

    @Test func aSecondStartReusesTheSameKeys() async throws {
        let (settings, directory) = try await testSettings()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let logger = Logger(label: "t")
        let first = try await withRuntime(settings: settings, logger: logger) { runtime in
            (try runtime.signingKeys.activeKey().kid, runtime.generatedSigningKey, runtime.masterKeySource)
        }
        let second = try await withRuntime(settings: settings, logger: logger) { runtime in
            (try runtime.signingKeys.activeKey().kid, runtime.generatedSigningKey, runtime.masterKeySource)
        }
        #expect(first.1 && !second.1)
        #expect(first.0 == second.0)
        #expect(first.2 == .createdFile(directory + "/master.key"))
        #expect(second.2 == .existingFile(directory + "/master.key"))
    }

    /// Review finding 14: an https issuer is production; codes must not land in a file.
    @Test func aProductionIssuerRefusesTheDevelopmentOutboxUnlessAllowed() async throws {
        let production = ["CYBERID_ISSUER": "https://id.example.cn"]
        do {
            _ = try await ServerSettings.load(environment: production)
            Issue.record("an https issuer started with the development SMS outbox")
        } catch {
            #expect(error.setting == "CYBERID_SMS_WEBHOOK_URL")
            #expect(error.description.contains("CYBERID_ALLOW_DEV_SMS"))
        }
        let allowed = try await ServerSettings.load(environment: production.merging(["CYBERID_ALLOW_DEV_SMS": "true"]) { $1 })
        #expect(allowed.allowDevelopmentSMS)
        let gateway = try await ServerSettings.load(
            environment: production.merging(["CYBERID_SMS_WEBHOOK_URL": "https://sms.example.cn/send"]) { $1 })
        #expect(!gateway.allowDevelopmentSMS && gateway.smsWebhookURL != nil)
        // Development on loopback needs nothing.
        #expect(try await ServerSettings.load(environment: [:]).smsWebhookURL == nil)
    }

    /// Issue 16: a connection's requests run on its channel's loop unless the setting says no.
    @Test func requestsRunOnTheirConnectionsLoopByDefault() async throws {
        #expect(try await ServerSettings.load(environment: [:]).requestsOnConnectionLoop)
        let off = try await ServerSettings.load(environment: ["CYBERID_REQUESTS_ON_CONNECTION_LOOP": "false"])
        #expect(!off.requestsOnConnectionLoop)
    }

    /// Issue 13: SQLite's durability is a setting, FULL by default, and the database runs with it.
    @Test func sqliteDurabilityIsASettingFullByDefault() async throws {
        #expect(try await ServerSettings.load(environment: [:]).sqliteSynchronous == .full)
        for (value, pragma) in [(nil, 2), ("normal", 1), ("FULL", 2)] as [(String?, Int64)] {
            let (settings, directory) = try await testSettings(value.map { ["CYBERID_SQLITE_SYNCHRONOUS": $0] } ?? [:])
            defer { try? FileManager.default.removeItem(atPath: directory) }
            try await withRuntime(settings: settings, logger: Logger(label: "test")) { runtime in
                let applied = try await runtime.database.write { connection in
                    try await connection.first("PRAGMA synchronous", [])?.integer("synchronous")
                }
                #expect(applied == pragma)
            }
        }
    }
}
