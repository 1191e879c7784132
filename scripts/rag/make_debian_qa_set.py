#!/usr/bin/env python3
"""A third labelled retrieval set: the Debian FAQ's questions among
the Debian Reference's sections (Debian packages debian-faq and debian-reference-en).

    make_debian_qa_set.py OUT_FOLDER [--faq HTML_DIR] [--reference HTML_DIR] [--min-answer-words 15]

Each section of the Debian FAQ whose heading is a question ("How can I tell what packages are
already installed on a Debian system?") becomes a document holding only its answer: the
section's text without its heading and without the sections nested in it (those are questions
of their own), OUT/docs/faq-NNN.md. Every section of the Debian Reference (the level under a
chapter: "Basic package management operations" …) becomes a distractor, OUT/docs/ref-NAME.md:
the same subjects, told as a manual. OUT/qa.jsonl: one {"id", "question", "answer_document"} line
per question; answers shorter than --min-answer-words words, and repeated questions, are
skipped. Made as a fresh check of the fusion default chosen on the other two sets (it found that
choice one question short on hit@5); select_fusion.py now chooses over all three.
Needs: lxml (and make_qa_set.py beside this file, for the HTML → Markdown conversion).
"""
import argparse, os, re, subprocess, sys

import lxml.html

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_qa_set import inline, package_version, to_markdown, write_answers, write_jsonl  # noqa: E402


def package_folder(package, suffix, flag):
    """The folder holding a Debian package's `*suffix` files, from its file list."""
    try:
        files = subprocess.run(["dpkg", "-L", package], check=True, capture_output=True, text=True).stdout.split()
    except (OSError, subprocess.CalledProcessError) as e:
        sys.exit(f"{package} not found with dpkg ({e}); pass {flag} HTML_DIR")
    for path in files:
        if path.endswith(suffix):
            return os.path.dirname(path)
    sys.exit(f"{package} lists no {suffix} file; pass {flag} HTML_DIR")


def title(section):
    """A DocBook section's heading without its number ("3.1.2. Will there …" → "Will there …")."""
    heads = section.xpath("./div[@class='titlepage']//*[self::h1 or self::h2 or self::h3 or self::h4 or self::h5]")
    return re.sub(r"^[A-Z]?[\d.]+\s+", "", inline(heads[0]).replace("\xa0", " ")) if heads else ""


def body(section):
    """A section's own content as Markdown: no heading, no nested sections."""
    div = lxml.html.fromstring("<div></div>")
    for child in list(section):
        classes = (child.get("class") or "").split()
        if "titlepage" in classes or "section" in classes:
            continue
        div.append(child)
    return to_markdown(div)


def faq_questions(faq_dir):
    for page in sorted(os.listdir(faq_dir)):
        if not page.endswith(".en.html") or page == "index.en.html":
            continue
        doc = lxml.html.parse(os.path.join(faq_dir, page)).getroot()
        for section in doc.xpath("//div[contains(concat(' ', @class, ' '), ' section ')]"):
            question = title(section)
            if question.endswith("?"):
                yield question, body(section), page


def reference_sections(ref_dir):
    for page in sorted(os.listdir(ref_dir)):
        if not re.match(r"(ch\d+|ap[a-z])\.en\.html$", page):
            continue
        doc = lxml.html.parse(os.path.join(ref_dir, page)).getroot()
        for section in doc.xpath("//div[@class='chapter' or @class='appendix']/div[@class='section']"):
            name = title(section)
            text = to_markdown(section)
            if name and text.strip():
                yield page.split(".")[0], name, text


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--faq", help="debian-faq's html folder (default: from dpkg -L debian-faq)")
    ap.add_argument("--reference", help="debian-reference-en's html folder (default: from dpkg -L debian-reference-en)")
    ap.add_argument("--min-answer-words", type=int, default=15)
    a = ap.parse_args()
    faq_dir = a.faq or package_folder("debian-faq", "/index.en.html", "--faq")
    ref_dir = a.reference or package_folder("debian-reference-en", "/index.en.html", "--reference")
    docs_dir = os.path.join(a.out, "docs")
    os.makedirs(docs_dir, exist_ok=True)

    qa, short, repeated, faq_words = write_answers(faq_questions(faq_dir), docs_dir, a.min_answer_words)

    distractors, ref_words = 0, 0
    for chapter, name, text in reference_sections(ref_dir):
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60]
        with open(os.path.join(docs_dir, f"ref-{chapter}-{slug}.md"), "w", encoding="utf-8") as f:
            f.write(text)
        distractors += 1
        ref_words += len(text.split())

    write_jsonl(os.path.join(a.out, "qa.jsonl"), qa)
    with open(os.path.join(a.out, "README.md"), "w", encoding="utf-8") as f:
        f.write(f"""# Debian FAQ retrieval set

Made by scripts/rag/make_debian_qa_set.py from the Debian packages debian-faq
{package_version("debian-faq")} and debian-reference-en {package_version("debian-reference-en")}.

- qa.jsonl: {len(qa)} questions (the Debian FAQ's question headings), each with the one document
  that holds its answer. Skipped: {short} questions whose answer has fewer than
  {a.min_answer_words} words, {repeated} repeated questions.
- docs/faq-NNN.md: {len(qa)} answers ({faq_words} words), without their question heading.
- docs/ref-*.md: {distractors} distractor sections of the Debian Reference ({ref_words} words).
""")
    print(f"{len(qa)} questions ({short} short, {repeated} repeated skipped); "
          f"{distractors} distractor sections, {faq_words + ref_words} words in all")


if __name__ == "__main__":
    main()
