/// Where a frame is in the text it reads. The phase also says what kind of frame it is.
enum JSONPhase: UInt8 {
    // The document: a literal prefix, one value, a literal suffix. a: bytes of the literal read.
    case prefix, value, suffix, done
    // An object. node: index in `objects`; a: properties done (next index), or after a key:
    // b: the key's property (-1 for a free-form key); while reading a listed key: b ..< c the
    // `literals` entries still possible, d bytes of the key read.
    case objectOpen, objectFirst, key, afterKey, beforeValue, objectAfterValue, objectAfterComma
    // An array. node: index in `arrays`; a: items begun.
    case arrayOpen, arrayFirst, arrayAfterValue, arrayAfterComma
    // A string. a: code points so far; b: maximum; c: minimum; d: in `stringUTF8` the
    // continuation bytes still due << 16 | lowest << 8 | highest allowed next byte, in the hex
    // phases the digits read << 16 | their value.
    case stringOpen, stringBody, stringEscape, stringUTF8, stringHex, lowSurrogateBackslash, lowSurrogateU, lowSurrogateHex
    // A number. a: digits in the current part; b: 1 for integers (no fraction, no exponent).
    case numberStart, minus, zero, integer, point, fraction, exponent, exponentSign, exponentDigits
    // A literal set (`enum`, `const`, `true`, ...). a ..< b: `literals` entries still possible; c: bytes read.
    case literal
}

/// One open value of a parse: its phase and a few counters whose meaning the phase gives.
struct JSONFrame {
    var phase: JSONPhase
    /// Whitespace bytes in the current gap between tokens (containers only).
    var gap: UInt8 = 0
    /// Containers this frame is nested in.
    var depth: UInt8 = 0
    var node: Int32 = 0
    var a: Int32 = 0
    var b: Int32 = 0
    var c: Int32 = 0
    var d: Int32 = 0
}

/// One reading of the bytes so far: its innermost open value, and the frames below it, stored
/// as an index into an arena of pushed stacks (-1: none). Pushing appends to the arena and never
/// changes an entry, so readings that split on an `anyOf` share what lies below the split.
struct JSONParseStack {
    var top: JSONFrame
    var rest: Int32
}
