/// One versioned step of the schema.
///
/// Statements are portable SQL with the type tokens of ``SQLDialect`` (`%BLOB%`, `%BIGINT%`,
/// `%AUTOID%`). A migration is applied in one transaction and recorded in `schema_migrations`;
/// applied migrations are never edited — a change is a new version.
public struct Migration: Sendable {
    /// The version, strictly increasing from 1.
    public let version: Int
    /// A short name, recorded with the version.
    public let name: String
    /// The statements, in order.
    public let statements: [String]

    /// Creates a migration.
    public init(version: Int, name: String, statements: [String]) {
        self.version = version
        self.name = name
        self.statements = statements
    }
}
