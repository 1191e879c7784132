/// The kinds of personal data `PIIRedactor` finds.
///
/// The raw values are the names used in configuration files and in fixture labels.
public enum PIIKind: String, Codable, CaseIterable, Sendable, Hashable, CodingKeyRepresentable, Comparable {
    /// An e-mail address (`local@domain.tld`).
    case email
    /// A telephone number: `+CC …` international, North American, European national, Chinese mobile.
    case phone
    /// A dotted-quad IPv4 address.
    case ipv4
    /// An IPv6 address: full, `::`-compressed, or with an embedded IPv4 tail.
    case ipv6
    /// A payment-card number: 13–19 digits, a known issuer prefix, a valid Luhn check digit.
    case creditCard = "credit_card"
    /// An International Bank Account Number (ISO 13616), checked with ISO 7064 mod 97-10.
    case iban
    /// A Chinese resident identity number (18 characters, ISO 7064 MOD 11-2 check character).
    case chineseID = "cn_id"

    /// The default replacement token (`<EMAIL>`, `<PHONE>`, `<IP_ADDRESS>`, …).
    public var defaultToken: String {
        switch self {
        case .email: return "<EMAIL>"
        case .phone: return "<PHONE>"
        case .ipv4, .ipv6: return "<IP_ADDRESS>"
        case .creditCard: return "<CREDIT_CARD>"
        case .iban: return "<IBAN>"
        case .chineseID: return "<CN_ID>"
        }
    }

    /// Which kind wins when two matches cover exactly the same bytes (lower wins): the kind
    /// with the stronger check (checksums before patterns).
    var priority: Int {
        switch self {
        case .email: return 0
        case .iban: return 1
        case .chineseID: return 2
        case .creditCard: return 3
        case .ipv6: return 4
        case .ipv4: return 5
        case .phone: return 6
        }
    }

    /// Orders kinds by their declaration order.
    public static func < (a: PIIKind, b: PIIKind) -> Bool {
        (allCases.firstIndex(of: a) ?? 0) < (allCases.firstIndex(of: b) ?? 0)
    }
}

/// One piece of personal data found in a text.
public struct PIIMatch: Sendable, Hashable, CustomStringConvertible {
    /// What was found.
    public var kind: PIIKind
    /// Where: UTF-8 byte offsets into the text (start inclusive, end exclusive).
    public var utf8Range: Range<Int>
    /// The matched text (always ASCII for the kinds above).
    public var text: String

    /// Makes a match.
    public init(kind: PIIKind, utf8Range: Range<Int>, text: String) {
        self.kind = kind
        self.utf8Range = utf8Range
        self.text = text
    }

    /// The same place as a `String` range of `source` (the text the match was found in).
    /// Match ends always fall on scalar boundaries, so the indices are valid.
    public func range(in source: String) -> Range<String.Index> {
        let utf8 = source.utf8
        let lower = utf8.index(utf8.startIndex, offsetBy: utf8Range.lowerBound)
        let upper = utf8.index(lower, offsetBy: utf8Range.count)
        return lower..<upper
    }

    /// `kind[start..<end]:text`.
    public var description: String { "\(kind.rawValue)[\(utf8Range.lowerBound)..<\(utf8Range.upperBound)]:\(text)" }
}
