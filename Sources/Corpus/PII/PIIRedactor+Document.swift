extension PIIRedactor {
    /// Redacts a document's text in place and returns how many of each kind were replaced.
    /// `cycle` carries cycled replacements from document to document, as one datatrove
    /// formatter does over its shard.
    @discardableResult
    public func redact(_ document: inout Document, cycle: inout PIIReplacementCycle) -> [PIIKind: Int] {
        let (text, counts) = redact(document.text, cycle: &cycle)
        document.text = text
        return counts
    }
}
