extension WebPage {
    /// The page's Markdown renderer, `renderMarkdown(text) -> html`: headings, paragraphs, bold,
    /// italic, strikethrough, inline code, fenced code, lists (nested, ordered), block quotes,
    /// rules, tables and links. The whole text is HTML-escaped before any Markdown is read, so
    /// model output can only ever become the handful of tags written below, never markup of its
    /// own; links keep http(s), mailto, `#` and same-site `/` targets and drop the rest.
    static let markdownScript = #"""
        const MD = {
          fence: /^ {0,3}(`{3,}|~{3,})[ \t]*([\w+#.-]*)[^`]*$/,
          heading: /^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/,
          rule: /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/,
          quote: /^ {0,3}&gt; ?/,
          item: /^( *)([-*+]|\d{1,9}[.)])[ \t]+(.*)$/,
          tableDivider: /^ *\|? *:?-+:? *(\| *:?-+:? *)*\|? *$/,
        };

        function escapeHTML(s) {
          return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
            .replace(/"/g, "&quot;").replace(/'/g, "&#39;");
        }

        /** Markdown to HTML. Escapes first: every tag in the result is one this renderer wrote. */
        function renderMarkdown(text) {
          const clean = String(text ?? "").replace(/\r\n?/g, "\n").replace(/\t/g, "    ").replace(/\u0000/g, "");
          return renderBlocks(escapeHTML(clean).split("\n")).join("\n");
        }

        /** Whether an (escaped) line opens a block that ends a paragraph. */
        function startsBlock(line) {
          return MD.fence.test(line) || MD.heading.test(line) || MD.rule.test(line) || MD.quote.test(line) || MD.item.test(line);
        }

        /** Escaped lines to a list of block-level HTML strings. */
        function renderBlocks(lines) {
          const out = [];
          let i = 0, m;
          while (i < lines.length) {
            const line = lines[i];
            if (!line.trim()) { i++; continue; }
            if ((m = MD.fence.exec(line))) {
              const close = new RegExp("^ {0,3}" + m[1][0] + "{" + m[1].length + ",}[ \\t]*$");
              const body = [];
              for (i++; i < lines.length && !close.test(lines[i]); i++) body.push(lines[i]);
              i++;  // the closing fence; an unclosed fence (a reply still streaming) runs to the end
              const lang = m[2] ? ` class="language-${m[2]}" data-lang="${m[2]}"` : "";
              out.push(`<pre${lang}><code>${body.join("\n")}</code></pre>`);
            } else if ((m = MD.heading.exec(line))) {
              const n = m[1].length;
              out.push(`<h${n}>${inline(m[2])}</h${n}>`);
              i++;
            } else if (MD.rule.test(line)) {
              out.push("<hr>");
              i++;
            } else if (MD.quote.test(line)) {
              const inner = [];
              for (; i < lines.length && MD.quote.test(lines[i]); i++) inner.push(lines[i].replace(MD.quote, ""));
              out.push(`<blockquote>${renderBlocks(inner).join("\n")}</blockquote>`);
            } else if (MD.item.test(line)) {
              i = renderList(lines, i, out);
            } else if (line.includes("|") && i + 1 < lines.length && MD.tableDivider.test(lines[i + 1]) && lines[i + 1].includes("-")) {
              i = renderTable(lines, i, out);
            } else {
              const para = [];
              for (; i < lines.length && lines[i].trim() && (para.length === 0 || !startsBlock(lines[i])); i++) para.push(lines[i].trim());
              out.push(`<p>${inline(para.join("\n"))}</p>`);
            }
          }
          return out;
        }

        /** A list from `lines[start]` (an item line): items at its indentation, each item's
         *  further-indented lines rendered as blocks inside it. Returns the index after the list. */
        function renderList(lines, start, out) {
          const first = MD.item.exec(lines[start]);
          const indent = first[1].length, ordered = /\d/.test(first[2]);
          const items = [];
          let i = start, loose = false, item = null;
          while (i < lines.length) {
            const line = lines[i], m = MD.item.exec(line);
            const lead = line.length - line.trimStart().length;
            if (m && m[1].length <= indent + 1 && /\d/.test(m[2]) === ordered) {
              item = { lines: [m[3]], contentIndent: m[1].length + m[2].length + 1 };
              items.push(item);
            } else if (!line.trim()) {
              let j = i + 1;
              while (j < lines.length && !lines[j].trim()) j++;
              if (j === lines.length) break;
              const next = MD.item.exec(lines[j]), nextLead = lines[j].length - lines[j].trimStart().length;
              if (next && next[1].length <= indent + 1 && /\d/.test(next[2]) === ordered) loose = true;  // a blank line between items
              else if (nextLead <= indent) break;
              item.lines.push("");
            } else if (lead > indent) {
              item.lines.push(line.slice(Math.min(lead, item.contentIndent)));
            } else if (!startsBlock(line) && item.lines[item.lines.length - 1].trim()) {
              item.lines.push(line.trim());  // a lazy continuation of the item's paragraph
            } else {
              break;
            }
            i++;
          }
          const tag = ordered ? "ol" : "ul";
          const number = parseInt(first[2], 10);
          const startAttr = ordered && number !== 1 ? ` start="${number}"` : "";
          const html = items.map((it) => {
            let blocks = renderBlocks(it.lines);
            if (!loose) blocks = blocks.map((b) => b.replace(/^<p>([\s\S]*)<\/p>$/, "$1"));
            return `<li>${blocks.join("\n")}</li>`;
          });
          out.push(`<${tag}${startAttr}>\n${html.join("\n")}\n</${tag}>`);
          return i;
        }

        /** A pipe table: header row, divider row (with `:` alignment), body rows. */
        function renderTable(lines, start, out) {
          const cells = (row) => row.trim().replace(/^\|/, "").replace(/\|$/, "").split("|").map((c) => c.trim());
          const aligns = cells(lines[start + 1]).map((c) =>
            c.startsWith(":") && c.endsWith(":") ? "center" : c.endsWith(":") ? "right" : c.startsWith(":") ? "left" : "");
          const row = (tag, values) => "<tr>" + values.map((v, k) =>
            `<${tag}${aligns[k] ? ` style="text-align:${aligns[k]}"` : ""}>${inline(v)}</${tag}>`).join("") + "</tr>";
          const body = [];
          let i = start + 2;
          for (; i < lines.length && lines[i].includes("|") && lines[i].trim(); i++) body.push(row("td", cells(lines[i])));
          out.push(`<table><thead>${row("th", cells(lines[start]))}</thead><tbody>${body.join("")}</tbody></table>`);
          return i;
        }

        /** Inline Markdown of escaped text: code spans and links are set aside first, so that
         *  emphasis never reaches inside them. Newlines become line breaks (chat replies mean them). */
        function inline(s) {
          const kept = [];
          const keep = (html) => `\u0000${kept.push(html) - 1}\u0000`;
          s = s.replace(/(`+)([\s\S]*?[^`])\1(?!`)/g, (_, ticks, code) => keep(`<code>${code.replace(/^ ([\s\S]*) $/, "$1")}</code>`));
          s = s.replace(/\[([^\]\n]+)\]\(([^()\s]+)(?:\s+&quot;[^\n]*?&quot;)?\)/g, (whole, label, url) =>
            /^(https?:\/\/|mailto:|#|\/(?![\/\\]))/i.test(url)
              ? keep(`<a href="${url}" target="_blank" rel="noopener noreferrer">${emphasis(label)}</a>`)
              : label);
          s = s.replace(/&lt;(https?:\/\/[^\s&]+)&gt;/g, (_, url) => keep(`<a href="${url}" target="_blank" rel="noopener noreferrer">${url}</a>`));
          s = emphasis(s).replace(/\n/g, "<br>");
          return s.replace(/\u0000(\d+)\u0000/g, (_, k) => kept[+k]);
        }

        function emphasis(s) {
          return s
            .replace(/\*\*(?=\S)([\s\S]*?\S)\*\*/g, "<strong>$1</strong>")
            .replace(/(^|\W)__(?=\S)([\s\S]*?\S)__(?!\w)/g, "$1<strong>$2</strong>")
            .replace(/\*(?=\S)([^*]*?\S)\*/g, "<em>$1</em>")
            .replace(/(^|\W)_(?=\S)([^_]*?\S)_(?!\w)/g, "$1<em>$2</em>")
            .replace(/~~(?=\S)([\s\S]*?\S)~~/g, "<del>$1</del>");
        }
        """#
}
