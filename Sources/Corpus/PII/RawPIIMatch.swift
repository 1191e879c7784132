/// A match as byte offsets, before its text is copied out (scanners allocate nothing per byte).
struct RawPIIMatch: Sendable, Hashable {
    var kind: PIIKind
    var start: Int
    var end: Int
}
