#!/usr/bin/env python3
"""A labelled retrieval-quality set from Python's documentation (Debian package python3.11-doc).

    make_qa_set.py OUT_FOLDER [--python-doc HTML_ROOT] [--lib-pages 1000] [--min-answer-words 15] [--seed 3]

HTML_ROOT is the package's html folder (default: found with `dpkg -L python3.11-doc`).
Each question of the Python FAQ (faq/*.html: a question is a heading, its answer the section
under it) becomes a document holding only the answer, OUT/docs/faq-NNN.md; pages of the library
reference and the tutorial become distractor documents OUT/docs/lib-NAME.md; OUT/qa.jsonl has one
{"id", "question", "answer_document"} line per question. Questions whose answer is shorter than
--min-answer-words words, and repeated questions, are skipped. Documents are Markdown: headings as
`#` lines, paragraphs separated by blank lines, code blocks fenced, lists as `- ` items.
Needs: lxml.
"""
import argparse, json, os, random, re, subprocess, sys

import lxml.html

HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}


def find_html_root(package="python3.11-doc", probe="faq", flag="--python-doc"):
    """The html folder of a Debian documentation package (the one holding `probe`), from its file list."""
    try:
        files = subprocess.run(["dpkg", "-L", package], check=True, capture_output=True, text=True).stdout.split()
    except (OSError, subprocess.CalledProcessError) as e:
        sys.exit(f"{package} not found with dpkg ({e}); pass {flag} HTML_ROOT")
    for path in files:
        if path.endswith("/html") and os.path.exists(os.path.join(path, probe)):
            return path
    sys.exit(f"{package} lists no html folder with {probe}; pass {flag} HTML_ROOT")


def package_version(package="python3.11-doc"):
    try:
        return subprocess.run(["dpkg-query", "-W", "-f", "${Version}", package], check=True,
                              capture_output=True, text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def inline(el):
    """The text of an element on one line (permalink marks removed, whitespace collapsed)."""
    for a in el.xpath(".//a[contains(@class, 'headerlink')]"):
        a.drop_tree()
    return re.sub(r"\s+", " ", el.text_content()).strip()


def markdown(el, out, depth=0):
    """Appends Markdown blocks for the children of `el` to the list `out`."""
    for child in el:
        tag = child.tag if isinstance(child.tag, str) else ""
        classes = child.get("class", "")
        if tag in HEADINGS:
            out.append("#" * HEADINGS[tag] + " " + inline(child))
        elif tag == "pre":
            out.append("```\n" + child.text_content().rstrip("\n") + "\n```")
        elif tag == "p":
            text = inline(child)
            if text:
                out.append(text)
        elif tag in ("ul", "ol"):
            items = [inline(li) for li in child if li.tag == "li"]
            out.append("\n".join("  " * depth + "- " + t for t in items if t))
        elif tag == "dl":
            for item in child:
                if item.tag == "dt":
                    out.append("**" + inline(item) + "**")
                elif item.tag == "dd":
                    markdown(item, out, depth)
        elif tag == "table":
            rows = [" | ".join(inline(c) for c in tr if c.tag in ("td", "th")) for tr in child.iter("tr")]
            out.append("\n".join(r for r in rows if r.strip(" |")))
        elif tag in ("nav", "script", "style") or "headerlink" in classes:
            continue
        elif tag in ("div", "section", "blockquote", "aside", "span", "article"):
            markdown(child, out, depth)
        elif tag:
            text = inline(child)
            if text:
                out.append(text)


def to_markdown(el):
    blocks = []
    markdown(el, blocks)
    return "\n\n".join(b for b in blocks if b.strip()) + "\n"


def faq_questions(root_dir):
    """(question, answer Markdown, source page) for each leaf section of the FAQ pages."""
    for page in sorted(os.listdir(os.path.join(root_dir, "faq"))):
        if not page.endswith(".html") or page == "index.html":
            continue
        doc = lxml.html.parse(os.path.join(root_dir, "faq", page)).getroot()
        for section in doc.xpath("//div[@role='main']//section"):
            if section.xpath("./section") or not len(section):
                continue  # a category of questions, not a question
            heading = next((c for c in section if c.tag in HEADINGS), None)
            if heading is None:
                continue
            question = inline(heading)
            body = lxml.html.fromstring("<div></div>")
            for c in list(section):
                if c is not heading:
                    body.append(c)
            yield question, to_markdown(body), page


def write_answers(items, docs_dir, min_words):
    """Writes each (question, answer Markdown, …) of `items` as docs_dir/faq-NNN.md, skipping
    answers under `min_words` words and repeated questions. Returns (the qa.jsonl records, how
    many were short, how many repeated, the answers' words)."""
    qa, seen, short, repeated, words_in_all = [], set(), 0, 0, 0
    for question, answer, *_ in items:
        key = re.sub(r"\W+", " ", question.lower()).strip()
        words = len(answer.split())
        if key in seen:
            repeated += 1
            continue
        if words < min_words:
            short += 1
            continue
        seen.add(key)
        name = f"faq-{len(qa) + 1:03d}.md"
        with open(os.path.join(docs_dir, name), "w", encoding="utf-8") as f:
            f.write(answer)
        qa.append({"id": len(qa) + 1, "question": question, "answer_document": name})
        words_in_all += words
    return qa, short, repeated, words_in_all


def write_jsonl(path, records):
    """One JSON object per line, UTF-8 as is."""
    with open(path, "w", encoding="utf-8") as f:
        for record in records:
            f.write(json.dumps(record, ensure_ascii=False) + "\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--python-doc", help="python3.11-doc's html folder (default: from dpkg -L python3.11-doc)")
    ap.add_argument("--lib-pages", type=int, default=1000, help="most library + tutorial pages used as distractors (default: all)")
    ap.add_argument("--min-answer-words", type=int, default=15)
    ap.add_argument("--seed", type=int, default=3)
    a = ap.parse_args()
    root_dir = a.python_doc or find_html_root()
    docs_dir = os.path.join(a.out, "docs")
    os.makedirs(docs_dir, exist_ok=True)

    qa, skipped_short, skipped_dup, faq_words = write_answers(faq_questions(root_dir), docs_dir, a.min_answer_words)

    pages = [("library", p) for p in sorted(os.listdir(os.path.join(root_dir, "library")))
             if p.endswith(".html") and p not in ("index.html",)]
    pages += [("tutorial", p) for p in sorted(os.listdir(os.path.join(root_dir, "tutorial")))
              if p.endswith(".html") and p not in ("index.html",)]
    tutorial = [x for x in pages if x[0] == "tutorial"]
    library = [x for x in pages if x[0] == "library"]
    chosen = tutorial + sorted(random.Random(a.seed).sample(library, max(0, min(len(library), a.lib_pages - len(tutorial)))))
    lib_words = 0
    for folder, page in chosen:
        doc = lxml.html.parse(os.path.join(root_dir, folder, page)).getroot()
        main = doc.xpath("//div[@role='main']")
        if not main:
            continue
        text = to_markdown(main[0])
        stem = page[:-len(".html")]
        name = f"lib-{stem}.md" if folder == "library" else f"lib-tutorial-{stem}.md"
        with open(os.path.join(docs_dir, name), "w", encoding="utf-8") as f:
            f.write(text)
        lib_words += len(text.split())

    write_jsonl(os.path.join(a.out, "qa.jsonl"), qa)
    version = package_version()
    with open(os.path.join(a.out, "README.md"), "w", encoding="utf-8") as f:
        f.write(f"""# Python FAQ retrieval set

Made by scripts/rag/make_qa_set.py from the Debian package python3.11-doc {version}.

- qa.jsonl: {len(qa)} questions (the headings of the Python FAQ, faq/*.html), each with the one
  document that holds its answer. Skipped: {skipped_short} questions whose answer has fewer than
  {a.min_answer_words} words, {skipped_dup} repeated questions.
- docs/faq-NNN.md: {len(qa)} answers ({faq_words} words), without their question heading.
- docs/lib-*.md: {len(chosen)} distractor pages ({lib_words} words): all {len(tutorial)} tutorial pages
  and {len(chosen) - len(tutorial)} of the {len(library)} library-reference pages (a sample with seed
  {a.seed} when not all); about {(faq_words + lib_words) // 200} chunks of 200 words, or
  {(faq_words + lib_words) // 120} of 120, in all.

Score retrieval by whether (and at which rank) a chunk of `answer_document` is returned for
`question` (hit@5, MRR).
""")
    print(f"{len(qa)} questions ({skipped_short} short, {skipped_dup} repeated skipped); "
          f"{len(chosen)} distractor pages, {faq_words + lib_words} words in all")


if __name__ == "__main__":
    main()
