#!/usr/bin/env python3
"""Builds Tern's web-like test corpus from text that installs by package name.

    build_corpus.py OUT_DIR [--shards 8] [--seed 20261123]

Sources (Debian packages; see MODELS notes): the HTML manuals of python3.11-doc,
postgresql-doc-15, git-doc, apache2-doc, debian-handbook and debian-reference-* (real pages with
their own navigation, 20+ languages), and text packages turned into pages with site chrome
(header menu, cookie banner, sidebar, footer): bible-kjv (`bible` command, one chapter per page),
fortunes and fortunes-zh (several sayings per page), dict-gcide (dictionary
entries). Planted on top, each with ground truth in planted.json:
  - near-duplicates of English pages: exact copies, copies re-wrapped in site chrome, copies cut to
    80% of their blocks, and copies with 1%..30% of their words edited;
  - junk pages of the kinds the quality filters target (lorem ipsum, javascript notices and code
    braces, stubs, repeated lines, hashtag/ellipsis lines, bullet lists);
  - pages carrying PII (e-mails, IPs, phone numbers, card numbers, IBANs);
  - pages with mojibake (UTF-8 read as Windows-1252).
Writes OUT_DIR/docs_XX.jsonl (records {"id","html","text","metadata"} in a seeded shuffle),
planted.json and stats.json. The same packages and seed give the same bytes.
"""
import argparse
import gzip
import hashlib
import json
import os
import random
import re
import subprocess
import sys

import lxml.html
from lxml import etree

DOC_PACKAGES = ["python3.11-doc", "postgresql-doc-15", "git-doc", "apache2-doc", "debian-handbook"]
MAX_PAGE_BYTES = 250_000
SKIPPED_TAGS = {"script", "style", "noscript", "nav", "header", "footer", "head", "template"}
BLOCK_TAGS = ("br", "p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "tr", "dt", "dd",
              "table", "blockquote", "section", "article")


def package_files(package, suffix_re):
    out = subprocess.run(["dpkg", "-L", package], capture_output=True, text=True).stdout
    return sorted(p for p in out.splitlines() if re.search(suffix_re, p) and os.path.isfile(p))


def language_of(path):
    for pattern in (r"/debian-handbook/html/([a-z]{2})-[A-Z]{2}/", r"/debian-reference/[^/]+\.([a-z]{2}(?:-[a-z]{2})?)\.html$",
                    r"/apache2-doc/manual/([a-z]{2}(?:-[a-z]{2})?)/"):
        m = re.search(pattern, path)
        if m:
            return m.group(1)
    return "en"


def plain_text(html):
    """Body text without scripts, styles and page chrome elements, one block per line."""
    try:
        root = lxml.html.document_fromstring(html.encode("utf-8"))
    except (etree.ParserError, ValueError):
        return ""
    for el in list(root.iter()):
        if isinstance(el.tag, str) and el.tag.lower() in SKIPPED_TAGS and el.getparent() is not None:
            el.drop_tree()
    body = root.find("body")
    node = body if body is not None else root
    for el in node.iter(*BLOCK_TAGS):
        el.tail = "\n" + (el.tail or "")
    lines = (re.sub(r"[ \t\r\f\v\xa0]+", " ", line).strip() for line in node.text_content().split("\n"))
    return "\n".join(line for line in lines if line)


def digest(s):
    return hashlib.sha1(s.encode("utf-8")).hexdigest()


class Builder:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.docs = []
        self.vocabulary = []
        self.sentences = []

    # ------------------------------------------------------------------ page chrome
    def chrome(self, title, body_html, lang="en"):
        r = self.rng
        menu = "".join(f'<li><a href="/{w.lower()}">{w}</a></li>' for w in r.sample(
            ["Home", "News", "Blog", "Docs", "Forum", "About", "Contact", "Download", "Archive", "Shop"], 6))
        header = f'<header class="site-header"><a class="logo" href="/">Example Site</a><nav class="main-nav"><ul>{menu}</ul></nav></header>'
        cookie = ('<div id="cookie-banner" class="cookie-notice">This website uses cookies to ensure you get the best '
                  'experience. By continuing you accept our use of cookies. <a href="/privacy">Privacy policy</a> '
                  '<button>OK</button></div>') if r.random() < 0.6 else ""
        sidebar = ('<aside class="sidebar"><h3>Related posts</h3><ul>' + "".join(
            f'<li><a href="/p/{r.randint(100, 999)}">{self.title_words()}</a></li>' for _ in range(5)) + "</ul></aside>") if r.random() < 0.5 else ""
        footer = (f'<footer class="site-footer"><p>&copy; {r.randint(2005, 2025)} Example Site. All rights reserved.</p>'
                  '<p><a href="/terms">Terms of use</a> | <a href="/privacy">Privacy policy</a> | <a href="/sitemap">Sitemap</a></p>'
                  '<div class="share">Share: <a href="#">Twitter</a> <a href="#">Facebook</a></div></footer>')
        return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>'
                f'<style>body{{font-family:sans-serif}} .nav{{display:flex}}</style>'
                f'<script>window.dataLayer=window.dataLayer||[];function gtag(){{dataLayer.push(arguments);}}</script></head>'
                f'<body>{header}{cookie}<main><article><h1>{title}</h1>{body_html}</article></main>{sidebar}{footer}</body></html>')

    def title_words(self):
        if not self.vocabulary:
            return "Untitled"
        return " ".join(self.rng.choice(self.vocabulary) for _ in range(3)).capitalize()

    def add(self, doc_id, html, source, lang, kind, **extra):
        meta = {"source": source, "lang_hint": lang, "kind": kind}
        meta.update(extra)
        self.docs.append({"id": doc_id, "html": html, "text": plain_text(html), "metadata": meta})

    # ------------------------------------------------------------------ real pages
    def real_pages(self):
        refs = subprocess.run(["dpkg-query", "-W", "-f", "${Package}\n", "debian-reference-*"], capture_output=True, text=True).stdout.split()
        sources = {}
        for package in DOC_PACKAGES + sorted(refs):
            for path in package_files(package, r"\.html$"):
                if os.path.getsize(path) <= MAX_PAGE_BYTES:
                    sources.setdefault(path, "debian-reference" if package.startswith("debian-reference") else package)
        files = sorted(sources)
        for path in files:
            html = open(path, "rb").read().decode("utf-8", errors="replace")
            self.add("doc" + path.split("/share", 1)[-1], html, sources[path], language_of(path), "real")
        print(f"real pages: {len(files)}", file=sys.stderr)

    def learn_vocabulary(self):
        counts = {}
        for d in self.docs:
            if d["metadata"]["lang_hint"] != "en":
                continue
            for line in d["text"].split("\n"):
                words = line.split()
                if 20 <= len(words) <= 70 and line[0].isupper() and line.endswith("."):
                    self.sentences.append(line)
                for w in words:
                    if w.isalpha() and w.islower():
                        counts[w] = counts.get(w, 0) + 1
        self.vocabulary = sorted(w for w, c in counts.items() if c >= 20)
        self.sentences = sorted(set(self.sentences))

    # ------------------------------------------------------------------ text packages as pages
    def paragraphs_html(self, paragraphs):
        return "".join(f"<p>{html_escape(p)}</p>" for p in paragraphs)

    def bible_pages(self):
        raw = subprocess.run(["bible", "gen1:1-rev22:21"], capture_output=True, text=True)
        if raw.returncode != 0:
            print("bible: not installed (apt bible-kjv), skipped", file=sys.stderr)
            return
        chapters, current = {}, None
        for line in raw.stdout.splitlines():
            heading = re.match(r"^(\S+(?: \S+)*) (\d+)$", line.strip())
            verse = re.match(r"^\s+(\d+) (.*)$", line)
            if heading and not line.startswith(" "):
                current = chapters.setdefault(line.strip(), [])
            elif verse and current is not None:
                current.append(verse.group(2).strip())
            elif line.strip() and current:
                current[-1] += " " + line.strip()
        for name, verses in chapters.items():
            self.add(f"bible/{name.replace(' ', '_')}", self.chrome(name, self.paragraphs_html(verses)), "bible-kjv", "en", "text")
        print(f"bible chapters: {len(chapters)}", file=sys.stderr)

    def fortune_pages(self, path, per_page, source, lang):
        if not os.path.exists(path):
            print(f"{path}: missing, skipped", file=sys.stderr)
            return 0
        items = [i.strip() for i in open(path, encoding="utf-8", errors="replace").read().split("\n%\n") if i.strip()]
        n = 0
        for k in range(0, len(items), per_page):
            group = items[k:k + per_page]
            body = "".join("<blockquote>" + "<br>".join(html_escape(l) for l in g.split("\n")) + "</blockquote>" for g in group)
            self.add(f"{source}/{os.path.basename(path)}/{k // per_page:05d}", self.chrome(f"{source} {k // per_page}", body, lang), source, lang, "text")
            n += 1
        return n

    def dictionary_pages(self, pages):
        path = "/usr/share/dictd/gcide.dict.dz"
        if not os.path.exists(path):
            return
        text = gzip.open(path, "rt", encoding="utf-8", errors="replace").read()
        entries = [e.strip() for e in re.split(r"\n(?=\S)", text) if len(e.strip()) > 80]
        step = max(1, len(entries) // (pages * 12))
        chosen = entries[::step][:pages * 12]
        for k in range(0, len(chosen), 12):
            body = self.paragraphs_html(re.sub(r"\s+", " ", e) for e in chosen[k:k + 12])
            self.add(f"gcide/{k // 12:05d}", self.chrome("Dictionary " + str(k // 12), body), "dict-gcide", "en", "text")
        print(f"dictionary pages: {len(chosen) // 12}", file=sys.stderr)

    # ------------------------------------------------------------------ planted documents
    def edit_words(self, s, p):
        out = []
        for token in re.split(r"(\s+)", s):
            if not token or token.isspace():
                out.append(token)
                continue
            r = self.rng.random()
            if r < p / 3:
                continue
            if r < 2 * p / 3:
                out.append(self.rng.choice(self.vocabulary))
            elif r < p:
                out.append(token + " " + self.rng.choice(self.vocabulary))
            else:
                out.append(token)
        return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", " ", "".join(out))

    def rewrite(self, html, kind):
        root = lxml.html.document_fromstring(html.encode("utf-8"))
        body = root.find("body")
        if body is None:
            return None
        if kind == "chrome":
            title = root.findtext(".//title") or "Page"
            inner = "".join(lxml.html.tostring(c, encoding="unicode") for c in body)
            return self.chrome(html_escape(title), (body.text or "") + inner)
        if kind == "trunc80":
            blocks = [b for b in body.iter("p", "pre", "li", "dt", "dd", "table", "h2", "h3") if b.getparent() is not None]
            if len(blocks) < 10:
                return None
            for b in blocks[int(len(blocks) * 0.8):]:
                if b.getparent() is not None:
                    b.drop_tree()
        else:
            p = float(kind[4:])
            for el in body.iter():
                if isinstance(el.tag, str) and el.tag not in ("script", "style"):
                    if el.text:
                        el.text = self.edit_words(el.text, p)
                    if el.tail:
                        el.tail = self.edit_words(el.tail, p)
        return lxml.html.tostring(root, encoding="unicode", doctype="<!DOCTYPE html>")

    def near_duplicates(self):
        by_html = {}
        for d in self.docs:
            by_html.setdefault(digest(d["html"]), []).append(d["id"])
        candidates = sorted((d for d in self.docs if d["metadata"]["kind"] == "real" and d["metadata"]["lang_hint"] == "en"
                             and 200 <= len(d["text"].split()) <= 20000 and len(d["html"]) <= 80_000
                             and len(by_html[digest(d["html"])]) == 1), key=lambda d: d["id"])
        self.rng.shuffle(candidates)
        plan = ["exact"] * 200 + ["chrome"] * 200 + ["trunc80"] * 100 + [
            f"edit{p}" for p in ("0.01", "0.03", "0.05", "0.10", "0.20", "0.30") for _ in range(150)]
        planted, i = [], 0
        for kind in plan:
            while True:
                source = candidates[i]
                i += 1
                html = source["html"] if kind == "exact" else self.rewrite(source["html"], kind)
                if html is not None:
                    break
            copy_id = f"dup/{kind}/{len(planted):05d}"
            self.add(copy_id, html, source["metadata"]["source"], "en", "planted_dup", dup_of=source["id"], dup_kind=kind)
            planted.append({"orig": source["id"], "copy": copy_id, "kind": kind})
        return planted, [v for v in by_html.values() if len(v) > 1]

    def junk(self):
        r, s = self.rng, self.sentences
        lorem = ("Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore "
                 "et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris.")
        kinds = {
            "lorem_ipsum": lambda: self.paragraphs_html(r.sample(s, 6) + [lorem]),
            "javascript_braces": lambda: ("<p>Please enable JavaScript to view this page.</p>" + self.paragraphs_html(r.sample(s, 4))
                                          + "<p>function start() { return {ready: true}; }</p>"),
            "stub": lambda: "<p>Coming soon. Check back later.</p>",
            "repeated_lines": lambda: self.paragraphs_html([r.choice(s)[:120]] * 40),
            "hashtags_ellipsis": lambda: "".join(f"<p>#{w} #{r.choice(self.vocabulary)} ...</p>" for w in r.choice(s).split()[:50]),
            "bullets": lambda: "<p>" + "<br>".join("&bull; " + " ".join(r.sample(self.vocabulary, 3)) for _ in range(60)) + "</p>",
        }
        out = []
        for kind, make in kinds.items():
            for j in range(60):
                jid = f"junk/{kind}/{j:03d}"
                self.add(jid, self.chrome(f"{kind} {j}", make()), "synthetic", "en", "planted_junk", junk=kind)
                out.append({"id": jid, "kind": kind})
        return out

    def pii(self):
        r = self.rng
        names = ["john", "maria", "wei", "fatima", "olga", "kenji", "pierre", "anna", "raj", "lucia"]
        domains = ["example.com", "mail.example.org", "corp.example.net", "uni-example.edu", "gmail.com"]
        out = []
        for j in range(200):
            emails = [f"{r.choice(names)}.{r.choice(names)}{r.randint(1, 99)}@{r.choice(domains)}" for _ in range(r.randint(1, 2))]
            ips = [f"{r.randint(11, 223)}.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}" for _ in range(r.randint(0, 2))]
            phone = f"+1 ({r.randint(201, 989)}) {r.randint(200, 999)}-{r.randint(1000, 9999)}"
            paragraphs = r.sample(self.sentences, 8)
            paragraphs.insert(2, "For questions write to " + " or ".join(emails) + f" or call {phone}.")
            if ips:
                paragraphs.insert(5, "The server answers at " + " and ".join(ips) + " on port 8080.")
            pid = f"pii/{j:04d}"
            self.add(pid, self.chrome(f"Contact notes {j}", self.paragraphs_html(paragraphs)), "synthetic", "en", "planted_pii")
            out.append({"id": pid, "emails": emails, "ips": ips, "phones": [phone]})
        return out

    def mojibake(self):
        out = []
        pool = [d for d in self.docs if d["metadata"]["kind"] == "real" and d["metadata"]["lang_hint"] in ("fr", "de", "es", "pt", "it")]
        pool.sort(key=lambda d: d["id"])
        for j, source in enumerate(self.rng.sample(pool, min(100, len(pool)))):
            broken = source["html"].encode("utf-8").decode("cp1252", errors="replace").replace("\ufffd", "?")
            mid = f"mojibake/{j:03d}"
            self.add(mid, broken, source["metadata"]["source"], source["metadata"]["lang_hint"], "planted_mojibake", mojibake_of=source["id"])
            out.append({"id": mid, "orig": source["id"]})
        return out


def html_escape(s):
    s = re.sub(r".\x08", "", s)  # fortune's overstrike underlining
    s = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", s)
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--shards", type=int, default=8)
    ap.add_argument("--seed", type=int, default=20261123)
    ap.add_argument("--dictionary-pages", type=int, default=7000)
    a = ap.parse_args()
    b = Builder(a.seed)
    b.real_pages()
    b.learn_vocabulary()
    b.bible_pages()
    n = b.fortune_pages("/usr/share/games/fortunes/fortunes", 4, "fortunes", "en")
    for name in ("computers", "science", "people", "literature", "wisdom", "politics", "humorists"):
        n += b.fortune_pages(f"/usr/share/games/fortunes/{name}", 4, "fortunes", "en")
    n += b.fortune_pages("/usr/share/games/fortunes/chinese", 6, "fortunes-zh", "zh")
    n += b.fortune_pages("/usr/share/games/fortunes/tang300", 3, "fortunes-zh", "zh")
    print(f"fortune pages: {n}", file=sys.stderr)
    b.dictionary_pages(a.dictionary_pages)
    planted, natural = b.near_duplicates()
    junk, pii, mojibake = b.junk(), b.pii(), b.mojibake()

    os.makedirs(a.out, exist_ok=True)
    order = list(range(len(b.docs)))
    b.rng.shuffle(order)
    names = [os.path.join(a.out, f"docs_{i:02d}.jsonl") for i in range(a.shards)]
    files = [open(n + ".tmp", "w", encoding="utf-8") for n in names]
    for k, i in enumerate(order):
        files[k % a.shards].write(json.dumps(b.docs[i], ensure_ascii=False) + "\n")
    for f, n in zip(files, names):
        f.close()
        os.replace(n + ".tmp", n)
    json.dump({"planted_dups": planted, "junk": junk, "pii": pii, "mojibake": mojibake,
               "natural_exact_dup_groups_html": natural}, open(os.path.join(a.out, "planted.json"), "w"), indent=0)
    count = lambda key: {k: sum(1 for d in b.docs if d["metadata"][key] == k) for k in sorted({d["metadata"][key] for d in b.docs})}
    stats = {"documents": len(b.docs), "html_bytes": sum(len(d["html"].encode()) for d in b.docs),
             "text_bytes": sum(len(d["text"].encode()) for d in b.docs),
             "jsonl_bytes": sum(os.path.getsize(n) for n in names), "kinds": count("kind"), "languages": count("lang_hint"),
             "sources": count("source"), "planted_near_dups": len(planted)}
    json.dump(stats, open(os.path.join(a.out, "stats.json"), "w"), indent=1)
    print(json.dumps(stats, indent=1))


if __name__ == "__main__":
    main()
