extension PIIRedactor {
    /// Which matching rules to use for e-mail and IPv4 addresses.
    public enum Rules: String, Codable, Sendable {
        /// Tern's rules: word boundaries on both sides, a real top-level domain, no IPv4 inside
        /// longer dotted numbers or glued to letters (`v1.2.3.4`), no leading zeros.
        case tern
        /// datatrove 0.10.1 `PIIFormatter`, byte for byte: its e-mail and IPv4 regular
        /// expressions with Python `re` semantics, e-mails replaced first and IPv4 on the result.
        /// Other kinds, when enabled, are not used in this mode.
        case datatrove
    }

    /// What to find and what to put in its place. Every field has a default, so `{}` decodes.
    public struct Configuration: Codable, Sendable, Equatable {
        /// Kinds to find. Default: all of them.
        public var kinds: Set<PIIKind>
        /// Matching rules for e-mail and IPv4. Default `.tern`.
        public var rules: Rules
        /// Find IPv4/IPv6 addresses only when Python's `ipaddress` calls them `is_global`
        /// (private, loopback, documentation, reserved ranges are kept). Default true, as
        /// datatrove's `only_remove_public_ips`: a private address identifies nobody.
        public var onlyGlobalIPAddresses: Bool
        /// Also find the 15-digit pre-1999 Chinese identity number (no check character, so
        /// weaker evidence: any 15-digit number with a region and date prefix). Default false.
        public var legacyChineseID: Bool
        /// Replacement token per kind; a kind not listed uses `PIIKind.defaultToken`.
        public var replacements: [PIIKind: String]
        /// Kinds replaced by cycling through fixed strings (datatrove's style) instead of one
        /// token. Default none; `.datatrove` sets datatrove's e-mail and IP lists.
        public var cycledReplacements: [PIIKind: [String]]

        /// A configuration; each argument defaults to the documented default.
        public init(kinds: Set<PIIKind> = Set(PIIKind.allCases), rules: Rules = .tern,
                    onlyGlobalIPAddresses: Bool = true, legacyChineseID: Bool = false,
                    replacements: [PIIKind: String] = [:], cycledReplacements: [PIIKind: [String]] = [:]) {
            self.kinds = kinds
            self.rules = rules
            self.onlyGlobalIPAddresses = onlyGlobalIPAddresses
            self.legacyChineseID = legacyChineseID
            self.replacements = replacements
            self.cycledReplacements = cycledReplacements
        }

        /// datatrove's `PIIFormatter()` defaults: e-mail and IPv4 only, its regexes, public
        /// IPs only, its cycling replacement strings.
        public static let datatrove = Configuration(
            kinds: [.email, .ipv4], rules: .datatrove, onlyGlobalIPAddresses: true,
            cycledReplacements: [.email: datatroveEmailReplacements, .ipv4: datatroveIPReplacements])

        /// datatrove's default e-mail replacements (`example.com/org` are reserved examples).
        public static let datatroveEmailReplacements = ["email@example.com", "firstname.lastname@example.org"]
        /// datatrove's default IP replacements, used in turn.
        public static let datatroveIPReplacements = [
            "22.214.171.124", "126.96.36.199", "188.8.131.52", "184.108.40.206", "220.127.116.11", "18.104.22.168",
        ]

        /// The token for `kind` when it is not cycled.
        public func token(for kind: PIIKind) -> String { replacements[kind] ?? kind.defaultToken }

        private enum CodingKeys: String, CodingKey {
            case kinds, rules, onlyGlobalIPAddresses, legacyChineseID, replacements, cycledReplacements
        }

        /// Decodes, taking the default for every missing field.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self.init()
            kinds = try c.decodeIfPresent(Set<PIIKind>.self, forKey: .kinds) ?? kinds
            rules = try c.decodeIfPresent(Rules.self, forKey: .rules) ?? rules
            onlyGlobalIPAddresses = try c.decodeIfPresent(Bool.self, forKey: .onlyGlobalIPAddresses) ?? onlyGlobalIPAddresses
            legacyChineseID = try c.decodeIfPresent(Bool.self, forKey: .legacyChineseID) ?? legacyChineseID
            replacements = try c.decodeIfPresent([PIIKind: String].self, forKey: .replacements) ?? replacements
            cycledReplacements = try c.decodeIfPresent([PIIKind: [String]].self, forKey: .cycledReplacements)
                ?? cycledReplacements
            for (kind, list) in cycledReplacements where list.isEmpty {
                throw PIIConfigurationError.emptyReplacementCycle(kind: kind)
            }
        }
    }
}

/// A configuration that cannot be used, naming the field at fault.
public enum PIIConfigurationError: Error, Equatable, CustomStringConvertible {
    /// `cycledReplacements[kind]` is an empty list.
    case emptyReplacementCycle(kind: PIIKind)

    /// A sentence naming the field.
    public var description: String {
        switch self {
        case .emptyReplacementCycle(let kind):
            return "PII configuration: cycledReplacements.\(kind.rawValue) is empty (give at least one string)"
        }
    }
}
