#!/usr/bin/env python3
"""A second labelled retrieval set, of known-item queries: PostgreSQL's reference pages (Debian
package postgresql-doc-15).

    make_pg_qa_set.py OUT_FOLDER [--pg-doc HTML_ROOT] [--distractors 250] [--seed 3]

Every reference page (a `refentry`: SQL commands, client and server applications) states its
purpose in one line, "CREATE INDEX — define a new index". The purpose ("define a new index") is
the question; the page without that line (synopsis, description, parameters, examples) is the
answer document, OUT/docs/ref-NAME.md. A sample of the other pages (chapters on indexes, types,
administration …) are distractors, OUT/docs/doc-NAME.md; a page that contains any question word
for word (the command lists) is left out. OUT/qa.jsonl: one {"id", "question", "answer_document"}
line per question; repeated purposes are skipped. Unlike the Python-FAQ set (make_qa_set.py),
whose questions share few words with their answers, these name what the page is about: the two
sets pull BM25 and the vectors in different directions.
Needs: lxml (and make_qa_set.py beside this file, for the HTML → Markdown conversion).
"""
import argparse, os, random, re, sys

import lxml.html

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_qa_set import find_html_root, inline, package_version, to_markdown, write_jsonl  # noqa: E402

PACKAGE = "postgresql-doc-15"


def content(doc):
    """The page's main element without the navigation header and footer, or None."""
    for nav in doc.xpath("//div[@class='navheader' or @class='navfooter']"):
        nav.drop_tree()
    body = doc.find("body")
    return body if body is not None else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--pg-doc", help="postgresql-doc-15's html folder (default: from dpkg -L postgresql-doc-15)")
    ap.add_argument("--distractors", type=int, default=250)
    ap.add_argument("--seed", type=int, default=3)
    a = ap.parse_args()
    root_dir = a.pg_doc or find_html_root(PACKAGE, "sql-createindex.html", "--pg-doc")
    docs_dir = os.path.join(a.out, "docs")
    os.makedirs(docs_dir, exist_ok=True)

    qa, seen, others, answer_words = [], set(), [], 0
    for page in sorted(os.listdir(root_dir)):
        if not page.endswith(".html"):
            continue
        doc = lxml.html.parse(os.path.join(root_dir, page)).getroot()
        names = doc.xpath("//div[@class='refentry']/div[@class='refnamediv']")
        if not names:
            others.append(page)
            continue
        line = inline(names[0].find("p")) if names[0].find("p") is not None else ""
        if "—" not in line:
            continue
        purpose = line.split("—", 1)[1].strip()
        key = re.sub(r"\W+", " ", purpose.lower()).strip()
        if not purpose or key in seen:
            continue
        seen.add(key)
        names[0].drop_tree()
        text = to_markdown(content(doc))
        name = f"ref-{page[:-len('.html')]}.md"
        with open(os.path.join(docs_dir, name), "w", encoding="utf-8") as f:
            f.write(text)
        qa.append({"id": len(qa) + 1, "question": purpose, "answer_document": name})
        answer_words += len(text.split())

    questions = [q["question"].lower() for q in qa]
    random.Random(a.seed).shuffle(others)
    chosen, left_out, distractor_words = [], 0, 0
    for page in others:
        if len(chosen) >= a.distractors:
            break
        body = content(lxml.html.parse(os.path.join(root_dir, page)).getroot())
        if body is None:
            continue
        text = to_markdown(body)
        flat = re.sub(r"\s+", " ", text.lower())
        if any(q in flat for q in questions):
            left_out += 1
            continue
        with open(os.path.join(docs_dir, f"doc-{page[:-len('.html')]}.md"), "w", encoding="utf-8") as f:
            f.write(text)
        chosen.append(page)
        distractor_words += len(text.split())

    write_jsonl(os.path.join(a.out, "qa.jsonl"), qa)
    with open(os.path.join(a.out, "README.md"), "w", encoding="utf-8") as f:
        f.write(f"""# PostgreSQL reference retrieval set

Made by scripts/rag/make_pg_qa_set.py from the Debian package postgresql-doc-15 {package_version(PACKAGE)}.

- qa.jsonl: {len(qa)} questions, the one-line purposes of PostgreSQL's reference pages
  ("define a new index"), each answered by its page.
- docs/ref-*.md: the {len(qa)} reference pages without their purpose line ({answer_words} words).
- docs/doc-*.md: {len(chosen)} other pages, a sample with seed {a.seed} ({distractor_words} words);
  {left_out} pages that contain a question word for word were left out.
""")
    print(f"{len(qa)} questions; {len(chosen)} distractor pages ({left_out} left out); "
          f"{answer_words + distractor_words} words in all")


if __name__ == "__main__":
    main()
