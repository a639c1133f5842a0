import CyberIDServer
import Logging
import Synchronization
import Testing

/// The lines a handler writes, kept.
final class Lines: TextOutputStream, Sendable {
    private let lines = Mutex<[String]>([])
    func write(_ string: String) { lines.withLock { $0.append(string) } }
    /// The lines without their timestamps (the first word), which differ between handlers.
    var untimed: [String] { lines.withLock { $0 }.map { String($0.drop(while: { $0 != " " })) } }
}

/// Issue 16: the request's metadata is formatted when a line is written, and the line is
/// StreamLogHandler's own.
@Suite struct DeferredMetadataLogHandlerTests {
    /// The same logging through a logger on `handler`.
    func write(_ handler: some LogHandler) {
        var logger = Logger(label: "cyberid", factory: { _ in handler })
        logger.logLevel = .info
        logger.info("no metadata")
        logger[metadataKey: "hb.request.id"] = "7f3a"
        logger[metadataKey: "b"] = "1"
        logger.info("the logger's")
        logger.info("request", metadata: ["http.status": "200", "b": "2", "a": ["x", "y"]])
        logger.debug("below the level")
        logger[metadataKey: "hb.request.id"] = nil
        logger.warning("one removed", metadata: ["z": ["k": "v"]])
        logger.error("with an error", error: TestFailure.example)
    }

    enum TestFailure: Error { case example }

    @Test func itsLinesAreStreamLogHandlersOwn() {
        let (streamed, deferred) = (Lines(), Lines())
        write(StreamLogHandler(label: "cyberid", stream: streamed, metadataProvider: nil))
        write(DeferredMetadataLogHandler(StreamLogHandler(label: "cyberid", stream: deferred, metadataProvider: nil)))
        #expect(streamed.untimed.count == 5)
        #expect(deferred.untimed == streamed.untimed)
        #expect(deferred.untimed[2].contains("b=2"))
        #expect(deferred.untimed[2].contains("hb.request.id=7f3a"))
    }

    @Test func itKeepsTheLevelAndTheMetadata() {
        var handler = DeferredMetadataLogHandler(StreamLogHandler(label: "x", stream: Lines(), metadataProvider: nil))
        handler.logLevel = .warning
        handler[metadataKey: "k"] = "v"
        #expect(handler.logLevel == .warning)
        #expect(handler.metadata == ["k": "v"])
        #expect(handler[metadataKey: "k"] == "v")
    }
}
