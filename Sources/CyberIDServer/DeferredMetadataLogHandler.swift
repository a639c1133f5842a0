public import Logging

/// swift-log's `StreamLogHandler`, with the logger's metadata formatted when a line is written
/// instead of each time it changes.
///
/// `StreamLogHandler` formats its whole metadata (sorted, joined) on every change of it, and
/// Hummingbird sets a request id in each request's logger: a formatting per request, at any log
/// level, for lines that are mostly never written (≈ 3 % of `GET /health`'s CPU; benchmarks.md,
/// "The seventh step"). Here the metadata is kept as it is and handed to the stream handler with
/// each line, so a line reads exactly as `StreamLogHandler`'s own (tested). The only difference:
/// a metadata provider's value no longer overrides the logger's own value under the same key
/// (the logger's wins, as a line's explicit metadata does); CyberID sets no provider.
public struct DeferredMetadataLogHandler: LogHandler {
    private var stream: StreamLogHandler
    /// The logger's metadata, unformatted.
    public var metadata = Logger.Metadata()

    /// Lines to standard error (as `StreamLogHandler.standardError`).
    public static func standardError(label: String) -> DeferredMetadataLogHandler {
        DeferredMetadataLogHandler(StreamLogHandler.standardError(label: label))
    }

    /// Lines through `stream`, a handler whose own metadata is left empty.
    public init(_ stream: StreamLogHandler) { self.stream = stream }

    public var logLevel: Logger.Level {
        get { stream.logLevel }
        set { stream.logLevel = newValue }
    }

    public var metadataProvider: Logger.MetadataProvider? {
        get { stream.metadataProvider }
        set { stream.metadataProvider = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        guard !metadata.isEmpty else { return stream.log(event: event) }
        var event = event
        event.metadata = metadata.merging(event.metadata ?? [:]) { _, explicit in explicit }
        stream.log(event: event)
    }
}
