import CyberIDBase64URL
import CyberIDStatusList
import Foundation
import Testing

/// Token Status List packing (draft-ietf-oauth-status-list).
@Suite struct StatusListTests {
    @Test("the draft's 1-bit example decodes to its bits (least significant first)")
    func draftExample() throws {
        let list = try StatusList(bits: 1, lst: "eNrbuRgAAhcBXQ")
        #expect(list.bytes == [0xB9, 0xA3])
        let expected: [UInt8] = [1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1]
        #expect((0..<16).map { list[$0]! } == expected)
        #expect(list[16] == nil)
    }

    @Test("2-bit entries: set, read, compress and read back")
    func roundTrip() throws {
        var list = StatusList(bits: 2, count: 1 << 20)
        list.set(0, 1)
        list.set(5, 2)
        list.set(1_048_575, 3)
        list.set(5, 0)
        list.set(6, 2)
        #expect(list.bytes[1] == 0b0010_0000)
        let lst = try list.lst()
        #expect(lst.count < 2_000)  // 256 KiB of mostly zeros
        let decoded = try StatusList(bits: 2, lst: lst)
        #expect(decoded == list)
        #expect(decoded[0] == 1 && decoded[5] == 0 && decoded[6] == 2 && decoded[1_048_575] == 3 && decoded[7] == 0)
    }

    @Test("a list that inflates past the cap is refused (zlib bomb)")
    func bomb() throws {
        let big = try StatusList(bits: 8, count: 8 << 20).lst()
        #expect(throws: StatusListError.self) { try StatusList(bits: 8, lst: big, maxBytes: 1 << 20) }
        #expect(throws: StatusListError.self) { try StatusList(bits: 3, lst: big) }
        #expect(throws: StatusListError.self) { try StatusList(bits: 1, lst: "not zlib") }
    }
}
