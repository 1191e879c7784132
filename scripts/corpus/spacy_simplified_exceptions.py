#!/usr/bin/env python3
"""Prints the table `SimplifiedTextWords.exceptionTable` (Sources/Corpus/Dedup): spaCy's English
tokenizer exceptions that still apply after datatrove's simplify_text (their key is unchanged
by simplification, has no space, and spaCy splits it into several tokens).

Usage: spacy_simplified_exceptions.py   (needs spacy and datatrove importable)
"""
import spacy
from datatrove.utils.text import simplify_text

nlp = spacy.blank("en")
entries = []
for key in sorted(nlp.tokenizer.rules):
    if simplify_text(key) == key and " " not in key:
        pieces = [t.text for t in nlp(key)]
        if len(pieces) > 1:
            entries.append(" ".join(pieces))
print(len(entries), "entries")
for i in range(0, len(entries), 8):
    print('        "' + ", ".join(entries[i:i + 8]) + ',"')
