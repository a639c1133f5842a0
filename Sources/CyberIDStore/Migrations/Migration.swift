/// One versioned step of the schema.
///
/// Statements are portable SQL with the type tokens of ``SQLDialect`` (`%BLOB%`, `%BIGINT%`,
/// `%AUTOID%`). A migration is applied in one transaction and recorded in `schema_migrations`;
/// applied migrations are never edited — a change is a new version. A migration may give
/// PostgreSQL its own statements (``postgresStatements``) where the two engines differ in more
/// than spelling — declarative partitions, for one.
public struct Migration: Sendable {
    /// The version, strictly increasing from 1.
    public let version: Int
    /// A short name, recorded with the version.
    public let name: String
    /// The statements, in order.
    public let statements: [String]
    /// PostgreSQL's statements in place of ``statements``, when it has its own.
    public let postgresStatements: [String]?

    /// Creates a migration.
    public init(version: Int, name: String, statements: [String], postgresStatements: [String]? = nil) {
        self.version = version
        self.name = name
        self.statements = statements
        self.postgresStatements = postgresStatements
    }

    /// The statements to run on `dialect`.
    public func statements(for dialect: SQLDialect) -> [String] {
        dialect == .postgres ? postgresStatements ?? statements : statements
    }
}
