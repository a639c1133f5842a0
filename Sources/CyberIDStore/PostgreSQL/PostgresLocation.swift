import CyberIDCore
import Foundation
import NIOSSL
import PostgresNIO

/// Where a PostgreSQL store lives: one server, or several of which one is the primary.
///
/// Parsed from `postgres://USER:PASSWORD@HOST[:PORT][,HOST[:PORT]…]/DATABASE?sslmode=…&target_session_attrs=…`,
/// the multi-host form libpq accepts. With several hosts CyberID always looks for the one that
/// takes writes (libpq's `target_session_attrs=read-write`; `primary` is accepted as the same);
/// see ``PostgresPrimary``.
public struct PostgresLocation: Sendable, Equatable {
    /// One server's address.
    public struct Host: Sendable, Equatable {
        public var name: String
        public var port: Int
        public init(_ name: String, port: Int = 5432) {
            self.name = name
            self.port = port
        }
    }

    public var hosts: [Host]
    public var user: String
    public var password: String?
    public var database: String
    public var tls: DatabaseURL.TLSMode

    public init(hosts: [Host], user: String, password: String?, database: String, tls: DatabaseURL.TLSMode) {
        self.hosts = hosts
        self.user = user
        self.password = password
        self.database = database
        self.tls = tls
    }

    /// Parses the part after the scheme check.
    /// - Throws: ``StoreError/invalidURL`` naming the part that is wrong.
    init(parsing text: String) throws(StoreError) {
        guard let schemeEnd = text.range(of: "://") else {
            throw .invalidURL("database URL must start with sqlite: or postgres://")
        }
        let afterScheme = text[schemeEnd.upperBound...]
        let authorityEnd = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? afterScheme.endIndex
        let authority = afterScheme[..<authorityEnd]
        let at = authority.lastIndex(of: "@")
        let hostList = at.map { authority[authority.index(after: $0)...] } ?? authority[...]
        let hosts = try hostList.split(separator: ",", omittingEmptySubsequences: false).map(Self.host)
        // URLComponents understands one host: let it read user, password, path and query.
        let userInfo = at.map { String(authority[..<$0]) + "@" } ?? ""
        let single = String(text[..<schemeEnd.upperBound]) + userInfo + "placeholder.invalid" + afterScheme[authorityEnd...]
        guard let components = URLComponents(string: single) else { throw .invalidURL("postgres URL cannot be read") }
        guard let user = components.user, !user.isEmpty else { throw .invalidURL("postgres URL has no user name") }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty else { throw .invalidURL("postgres URL has no database name") }
        var tls = DatabaseURL.TLSMode.prefer
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let mode = item.value.flatMap(DatabaseURL.TLSMode.init(rawValue:)) else {
                    throw .invalidURL("sslmode must be disable, prefer or require")
                }
                tls = mode
            case "target_session_attrs":
                guard item.value == "read-write" || item.value == "primary" else {
                    throw .invalidURL("target_session_attrs must be read-write or primary: CyberID writes")
                }
            default:
                break
            }
        }
        self.init(hosts: hosts, user: user, password: components.password, database: database, tls: tls)
    }

    /// `host`, `host:port`, `[v6]`, `[v6]:port`.
    private static func host(_ text: Substring) throws(StoreError) -> Host {
        guard !text.isEmpty else { throw .invalidURL("postgres URL has an empty host") }
        var name = text
        var portText: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw .invalidURL("postgres URL has an unclosed [") }
            name = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":") else { throw .invalidURL("postgres URL has text after ]") }
                portText = rest.dropFirst()
            }
        } else if let colon = text.lastIndex(of: ":") {
            name = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        guard !name.isEmpty else { throw .invalidURL("postgres URL has an empty host") }
        guard let portText else { return Host(String(name)) }
        guard let port = Int(portText), (1...65535).contains(port) else {
            throw .invalidURL("postgres URL has a port that is not a number from 1 to 65535")
        }
        return Host(String(name), port: port)
    }

    /// A form safe to print: the password is masked.
    public var redacted: String {
        let hostList = hosts.map { ($0.name.contains(":") ? "[\($0.name)]" : $0.name) + ":\($0.port)" }
        let target = hosts.count > 1 ? "&target_session_attrs=read-write" : ""
        return "postgres://\(user):***@\(hostList.joined(separator: ","))/\(database)?sslmode=\(tls.rawValue)\(target)"
    }

    /// The pool's settings for one of the hosts.
    func clientConfiguration(host index: Int) -> PostgresClient.Configuration {
        let mode: PostgresClient.Configuration.TLS
        switch tls {
        case .disable: mode = .disable
        case .prefer: mode = .prefer(.makeClientConfiguration())
        case .require: mode = .require(.makeClientConfiguration())
        }
        let host = hosts[index]
        var configuration = PostgresClient.Configuration(
            host: host.name, port: host.port, username: user, password: password, database: database, tls: mode)
        if hosts.count > 1 {
            // A lost server must not hold a request for the default 10 s before a failover is looked for.
            configuration.options.connectTimeout = .seconds(3)
        }
        return configuration
    }

    /// A single connection's settings for one of the hosts (the failover probe).
    func connectionConfiguration(host index: Int, timeout: TimeAmount) throws -> PostgresConnection.Configuration {
        let mode: PostgresConnection.Configuration.TLS
        switch tls {
        case .disable: mode = .disable
        case .prefer: mode = .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
        case .require: mode = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
        let host = hosts[index]
        var configuration = PostgresConnection.Configuration(
            host: host.name, port: host.port, username: user, password: password, database: database, tls: mode)
        configuration.options.connectTimeout = timeout
        return configuration
    }
}
