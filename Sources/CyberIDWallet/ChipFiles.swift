/// The elementary files read from an identity document's chip, exactly as stored (with their
/// outer tags 0x61, 0x75, 0x6F, 0x77), ready for passive authentication by the service.
public struct ChipFiles: Sendable, Equatable {
    /// EF.DG1: the MRZ.
    public var dg1: [UInt8]
    /// EF.DG2: the portrait; needed when the service runs a face check.
    public var dg2: [UInt8]?
    /// EF.DG15: the active-authentication public key; absent on chips without active
    /// authentication.
    public var dg15: [UInt8]?
    /// EF.SOD: the document security object signed by the issuing state.
    public var sod: [UInt8]

    /// Collects the files.
    public init(dg1: [UInt8], dg2: [UInt8]?, dg15: [UInt8]?, sod: [UInt8]) {
        self.dg1 = dg1
        self.dg2 = dg2
        self.dg15 = dg15
        self.sod = sod
    }
}
