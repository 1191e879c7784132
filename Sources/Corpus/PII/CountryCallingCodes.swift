/// ITU-T E.164 country calling codes in use. The codes form a prefix code: no 1- or 2-digit
/// code begins a 3-digit one, so the digits after `+` name at most one country.
enum CountryCallingCodes {
    static let oneDigit: Set<Int> = [1, 7]
    static let twoDigit: Set<Int> = [
        20, 27, 30, 31, 32, 33, 34, 36, 39, 40, 41, 43, 44, 45, 46, 47, 48, 49, 51, 52, 53, 54, 55, 56, 57, 58,
        60, 61, 62, 63, 64, 65, 66, 81, 82, 84, 86, 90, 91, 92, 93, 94, 95, 98,
    ]
    static let threeDigit: Set<Int> = {
        var s: Set<Int> = [211, 212, 213, 216, 218, 290, 291, 297, 298, 299, 420, 421, 423, 670, 800, 808, 850,
                           852, 853, 855, 856, 870, 878, 880, 881, 882, 883, 886, 888, 979, 998]
        for r in [220...258, 260...269, 350...359, 370...378, 380...383, 385...387, 389...389, 500...509,
                  590...599, 672...683, 685...692, 960...968, 970...977, 992...996] { s.formUnion(r) }
        return s
    }()

    /// Whether the first digits after `+` (up to three) begin with a country calling code.
    static func isValidPrefix(_ d: [Int]) -> Bool {
        if let a = d.first, oneDigit.contains(a) { return true }
        if d.count >= 2, twoDigit.contains(d[0] * 10 + d[1]) { return true }
        if d.count >= 3, threeDigit.contains(d[0] * 100 + d[1] * 10 + d[2]) { return true }
        return false
    }
}
