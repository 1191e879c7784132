extension FastTextModel {
    /// fastText's word separators (`Dictionary::readWord`): space, \n, \r, \t, \v, \f, NUL.
    @inline(__always)
    static func isSeparator(_ b: UInt8) -> Bool {
        b == 0x20 || (b >= 0x09 && b <= 0x0D) || b == 0
    }

    /// The averaged input vector of one line of UTF-8 `text` (dim floats written to `hidden`),
    /// returning how many rows were averaged (0: nothing to predict from).
    /// `scratch` and `wordHashes` are reused buffers: nothing is allocated per token or n-gram.
    func hidden(_ text: UnsafeBufferPointer<UInt8>, into hidden: UnsafeMutableBufferPointer<Float>,
                scratch: inout [UInt8], wordHashes: inout [UInt32]) -> Int {
        let dim = args.dim, dict = dictionary
        hidden.initialize(repeating: 0)
        wordHashes.removeAll(keepingCapacity: true)
        var rowsAdded = 0
        inputRows.withUnsafeBufferPointer { input in
            guard let base = input.baseAddress else { return }
            func add(_ row: Int32) {
                let p = base + Int(row) * dim
                for j in 0..<dim { hidden[j] += p[j] }
                rowsAdded += 1
            }
            var i = 0
            let n = text.count
            while true {
                while i < n && Self.isSeparator(text[i]) { i += 1 }
                if i == n { break }
                let start = i
                var h = FastTextDictionary.fnvOffset
                while i < n && !Self.isSeparator(text[i]) { h = FastTextDictionary.fnvStep(h, text[i]); i += 1 }
                if h == endOfSentenceHash && isEndOfSentence(text, start, i) {
                    addEndOfSentence(add, &wordHashes)
                    return  // fastText stops the line at a literal </s>
                }
                let wid = dict.entryID(text, start, i, hash: h)
                if wid >= 0 {
                    if dict.entryIsLabel[Int(wid)] { continue }
                    for r in dict.wordRowStart[Int(wid)]..<dict.wordRowStart[Int(wid) + 1] { add(dict.wordRows[r]) }
                } else {
                    if hasLabelPrefix(text, start, i) { continue }
                    scratch.removeAll(keepingCapacity: true)
                    scratch.append(UInt8(ascii: "<"))
                    scratch.append(contentsOf: UnsafeBufferPointer(rebasing: text[start..<i]))
                    scratch.append(UInt8(ascii: ">"))
                    scratch.withUnsafeBufferPointer { dict.forEachSubwordRow($0, add) }
                }
                if args.wordNgrams > 1 { wordHashes.append(h) }
            }
            addEndOfSentence(add, &wordHashes)
        }
        if args.wordNgrams > 1 {
            inputRows.withUnsafeBufferPointer { input in
                dict.forEachWordNgramRow(wordHashes) { row in
                    for j in 0..<dim { hidden[j] += input[Int(row) * dim + j] }
                    rowsAdded += 1
                }
            }
        }
        if rowsAdded > 0 {
            let scale = Float(1.0 / Double(rowsAdded))  // fastText: mul(1.0 / rows.size()) into a float
            for j in 0..<dim { hidden[j] *= scale }
        }
        return rowsAdded
    }

    /// The `</s>` fastText appends to the line: its own row when it is in the vocabulary.
    @inline(__always)
    private func addEndOfSentence(_ add: (Int32) -> Void, _ wordHashes: inout [UInt32]) {
        if endOfSentenceID >= 0 {
            let d = dictionary, id = Int(endOfSentenceID)
            for r in d.wordRowStart[id]..<d.wordRowStart[id + 1] { add(d.wordRows[r]) }
        }
        if args.wordNgrams > 1 { wordHashes.append(endOfSentenceHash) }
    }

    private func isEndOfSentence(_ t: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> Bool {
        UnsafeBufferPointer(rebasing: t[s..<e]).elementsEqual(FastTextDictionary.endOfSentence)
    }

    private func hasLabelPrefix(_ t: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> Bool {
        let p = FastTextDictionary.labelPrefix
        return e - s >= p.count && UnsafeBufferPointer(rebasing: t[s..<s + p.count]).elementsEqual(p)
    }
}
