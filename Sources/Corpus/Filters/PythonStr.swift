/// `PythonStr`: the few Python `str` operations datatrove's filters use, over scalar arrays, with
/// Python's exact semantics (`splitlines` boundaries, `strip` whitespace, `count` without
/// overlaps). Ranges are half-open scalar index ranges.
enum PythonStr {
    static let classes = ScalarClasses.shared

    @inline(__always) static func isSpace(_ c: UInt32) -> Bool { classes.has(c, ScalarClasses.space) }

    /// `s[r].strip()` as a range.
    static func strip(_ s: [UInt32], _ r: Range<Int>) -> Range<Int> {
        var lo = r.lowerBound, hi = r.upperBound
        while lo < hi && isSpace(s[lo]) { lo += 1 }
        while hi > lo && isSpace(s[hi - 1]) { hi -= 1 }
        return lo..<hi
    }

    /// `str.splitlines()` (no keepends): \n, \r, \r\n, \v, \f, \x1c–\x1e, \x85, U+2028, U+2029.
    static func splitLines(_ s: [UInt32]) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var start = 0, i = 0
        while i < s.count {
            if classes.has(s[i], ScalarClasses.lineBreak) {
                out.append(start..<i)
                if s[i] == 0x0D && i + 1 < s.count && s[i + 1] == 0x0A { i += 1 }
                start = i + 1
            }
            i += 1
        }
        if start < s.count { out.append(start..<s.count) }
        return out
    }

    /// `re.split(sep + "{minimum,}", s[r])` for a single-scalar separator repeated at least
    /// `minimum` times (`\n{2,}` paragraphs, `\n+` lines).
    /// With `keepEmpty`, every separator splits (`str.split("\n")`, `minimum` must be 1).
    static func split(_ s: [UInt32], _ r: Range<Int>, on sep: UInt32, minimum: Int, keepEmpty: Bool = false) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var start = r.lowerBound, i = r.lowerBound
        while i < r.upperBound {
            guard s[i] == sep else { i += 1; continue }
            var e = i + 1
            while !keepEmpty && e < r.upperBound && s[e] == sep { e += 1 }
            if e - i >= minimum { out.append(start..<i); start = e }
            i = e
        }
        out.append(start..<r.upperBound)
        return out
    }

    /// `s.count(needle)`: non-overlapping occurrences, left to right.
    static func count(_ s: [UInt32], _ needle: [UInt32]) -> Int {
        guard !needle.isEmpty, s.count >= needle.count else { return 0 }
        var n = 0, i = 0
        let first = needle[0]
        while i + needle.count <= s.count {
            if s[i] == first && s[i..<(i + needle.count)].elementsEqual(needle) { n += 1; i += needle.count } else { i += 1 }
        }
        return n
    }

    /// Whether `s[r]` ends with `suffix`.
    static func hasSuffix(_ s: [UInt32], _ r: Range<Int>, _ suffix: [UInt32]) -> Bool {
        r.count >= suffix.count && s[(r.upperBound - suffix.count)..<r.upperBound].elementsEqual(suffix)
    }

    /// Whether `s[r]` starts with `prefix`.
    static func hasPrefix(_ s: [UInt32], _ r: Range<Int>, _ prefix: [UInt32]) -> Bool {
        r.count >= prefix.count && s[r.lowerBound..<(r.lowerBound + prefix.count)].elementsEqual(prefix)
    }

    /// `find_duplicates` of datatrove's Gopher repetition filter: (repeated elements,
    /// scalars in repeated elements), an element repeated when an equal one came before.
    static func duplicates(_ s: [UInt32], _ elements: [Range<Int>]) -> (count: Int, chars: Int) {
        var size = 16
        while size < 2 * elements.count { size <<= 1 }
        var slots = [Int32](repeating: -1, count: size)
        var count = 0, chars = 0
        for (k, r) in elements.enumerated() {
            var h: UInt64 = 0xcbf2_9ce4_8422_2325
            for i in r { h = (h ^ UInt64(s[i])) &* 0x100_0000_01b3 }
            var slot = Int(truncatingIfNeeded: h ^ (h >> 29)) & (size - 1)
            var repeated = false
            while slots[slot] >= 0 {
                let other = elements[Int(slots[slot])]
                if other.count == r.count && s[other].elementsEqual(s[r]) { repeated = true; break }
                slot = (slot + 1) & (size - 1)
            }
            if repeated { count += 1; chars += r.count } else { slots[slot] = Int32(k) }
        }
        return (count, chars)
    }

    /// `t.lower()` for substring tests against lower-case ASCII needles: ASCII text is
    /// returned as is (`containsFolded` folds A–Z), other text is fully Unicode lower-cased,
    /// as Python's `str.lower` does.
    static func lowercased(_ t: ArraySlice<UInt32>) -> ArraySlice<UInt32> {
        for c in t where c >= 0x80 {
            var view = String.UnicodeScalarView()
            for c in t { if let u = Unicode.Scalar(c) { view.append(u) } }
            return String(view).lowercased().unicodeScalars.map(\.value)[...]
        }
        return t
    }

    /// `needle` (lower-case ASCII) occurs in `t` with ASCII upper case folded.
    static func containsFolded(_ t: ArraySlice<UInt32>, _ needle: [UInt8]) -> Bool {
        guard let first = needle.first else { return true }
        guard t.count >= needle.count else { return false }
        var i = t.startIndex
        let last = t.endIndex - needle.count
        while i <= last {
            if lowerASCII(t[i]) == UInt32(first) {
                var j = 1
                while j < needle.count && lowerASCII(t[i + j]) == UInt32(needle[j]) { j += 1 }
                if j == needle.count { return true }
            }
            i += 1
        }
        return false
    }

    @inline(__always) private static func lowerASCII(_ c: UInt32) -> UInt32 {
        c >= 0x41 && c <= 0x5A ? c | 0x20 : c
    }
}

extension Array where Element == UInt32 {
    /// The scalar values of an ASCII or Unicode literal.
    init(scalarsOf string: String) { self = string.unicodeScalars.map(\.value) }
}
