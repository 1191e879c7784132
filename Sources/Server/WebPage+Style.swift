extension WebPage {
    /// The page's style sheet: one column under 900 px (settings behind a button), a settings
    /// sidebar beside the chat above; light and dark from the system's preference.
    static let style = #"""
        :root {
          --bg: #f6f6f3; --panel: #ffffff; --text: #1c1e21; --muted: #686d75; --border: #e2e2dd;
          --accent: #0f766e; --on-accent: #ffffff; --user: #e6f2ef; --code: #f1f1ed;
          --error: #b42318; --error-bg: #fdf1ef;
          color-scheme: light dark;
        }
        @media (prefers-color-scheme: dark) {
          :root {
            --bg: #14161a; --panel: #1b1e23; --text: #e5e7ea; --muted: #99a0a9; --border: #2e333a;
            --accent: #2dd4bf; --on-accent: #06201d; --user: #1c3330; --code: #101215;
            --error: #ff8a7a; --error-bg: #2d1714;
          }
        }
        * { box-sizing: border-box; }
        [hidden] { display: none !important; }
        html, body { height: 100%; margin: 0; }
        body {
          font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
          background: var(--bg); color: var(--text);
        }
        .app {
          display: grid; height: 100vh; height: 100dvh;
          grid-template: "top" auto "chat" 1fr "composer" auto / minmax(0, 1fr);
        }
        header.top {
          grid-area: top; display: flex; align-items: center; gap: .7rem; min-width: 0;
          padding: .55rem 1rem; background: var(--panel); border-bottom: 1px solid var(--border);
        }
        header h1 { margin: 0; font-size: 1.05rem; font-weight: 650; }
        .spacer { flex: 1; }
        .model {
          min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap;
          font-size: .8rem; color: var(--muted); padding: .12rem .6rem; border: 1px solid var(--border); border-radius: 999px;
        }
        .model::before {
          content: ""; display: inline-block; width: .5rem; height: .5rem; margin-right: .4rem;
          border-radius: 50%; background: var(--muted);
        }
        .model[data-kind=ready]::before { background: #22a55a; }
        .model[data-kind=busy]::before { background: #e09b0b; }
        .model[data-kind=error] { color: var(--error); }
        .model[data-kind=error]::before { background: var(--error); }

        button {
          font: inherit; font-size: .9rem; cursor: pointer; border-radius: 10px; padding: .42rem .95rem;
          border: 1px solid transparent; white-space: nowrap;
        }
        button.ghost { background: transparent; color: var(--text); border-color: var(--border); }
        button.ghost:hover { background: var(--bg); }
        #send { background: var(--accent); color: var(--on-accent); font-weight: 600; }
        #stop { background: var(--error-bg); color: var(--error); border-color: currentColor; font-weight: 600; }
        :focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }

        #settings {
          grid-area: chat; z-index: 2; align-self: start; display: none; flex-direction: column; gap: 1rem;
          max-height: 100%; overflow-y: auto; padding: 1rem; background: var(--panel);
          border-bottom: 1px solid var(--border); box-shadow: 0 8px 24px rgb(0 0 0 / .12);
        }
        .settings-open #settings { display: flex; }
        #settings label { display: flex; flex-direction: column; gap: .3rem; font-size: .8rem; font-weight: 600; color: var(--muted); }
        #settings .row { display: flex; justify-content: space-between; }
        #settings textarea, #settings input[type=number], #settings input[type=password] {
          font: inherit; font-size: .9rem; font-weight: 400; color: var(--text); background: var(--bg);
          border: 1px solid var(--border); border-radius: 8px; padding: .45rem .6rem; width: 100%;
        }
        #settings textarea { resize: vertical; min-height: 5.5rem; }
        #settings input[type=range] { accent-color: var(--accent); width: 100%; }
        #settings .hint { margin: -.6rem 0 0; font-size: .75rem; font-weight: 400; color: var(--muted); }

        @media (min-width: 900px) {
          .app { grid-template: "top top" auto "side chat" 1fr "side composer" auto / 290px minmax(0, 1fr); }
          #settings { grid-area: side; display: flex; align-self: stretch; box-shadow: none; border-bottom: 0; border-right: 1px solid var(--border); }
          #settings-toggle { display: none; }
        }

        #chat { grid-area: chat; overflow-y: auto; min-width: 0; }
        #messages, #empty { max-width: calc(780px + 2rem); margin: 0 auto; padding: 1.25rem 1rem 1.5rem; }
        #messages { display: flex; flex-direction: column; gap: 1.1rem; }
        #empty { text-align: center; color: var(--muted); padding-top: 16vh; }
        #empty h2 { color: var(--text); font-size: 1.3rem; font-weight: 600; margin: 0 0 .4rem; }
        #empty kbd { font: .8rem ui-monospace, monospace; border: 1px solid var(--border); border-radius: 4px; padding: 0 .3rem; }

        .msg { min-width: 0; }
        .msg .who { font-size: .7rem; font-weight: 650; letter-spacing: .06em; text-transform: uppercase; color: var(--muted); margin-bottom: .2rem; }
        .msg.user { align-self: flex-end; max-width: 85%; }
        .msg.user .who, .msg.user .meta { text-align: right; }
        .msg.user .body { background: var(--user); padding: .55rem .9rem; border-radius: 14px 14px 4px 14px; white-space: pre-wrap; overflow-wrap: anywhere; }
        .msg.unsent .body { opacity: .55; }
        .msg.assistant .body { overflow-wrap: anywhere; }
        .msg .body > :first-child { margin-top: 0; }
        .msg .body > :last-child { margin-bottom: 0; }
        .msg.streaming .body > :last-child::after, .msg.streaming .body:empty::after {
          content: "▍"; color: var(--accent); animation: blink 1s steps(2, start) infinite;
        }
        @keyframes blink { to { visibility: hidden; } }
        .msg .meta { font-size: .75rem; color: var(--muted); margin-top: .3rem; }
        .msg .meta:empty { display: none; }
        .msg .error {
          margin-top: .4rem; padding: .5rem .75rem; border-radius: 8px; font-size: .9rem; white-space: pre-wrap;
          color: var(--error); background: var(--error-bg); border: 1px solid color-mix(in srgb, var(--error) 30%, transparent);
        }

        .body p, .body ul, .body ol, .body pre, .body blockquote, .body table { margin: .6rem 0; }
        .body h1, .body h2, .body h3, .body h4, .body h5, .body h6 { margin: 1rem 0 .4rem; line-height: 1.3; }
        .body h1 { font-size: 1.35rem; } .body h2 { font-size: 1.2rem; } .body h3 { font-size: 1.06rem; }
        .body h4, .body h5, .body h6 { font-size: 1rem; }
        .body ul, .body ol { padding-left: 1.5rem; }
        .body li + li { margin-top: .2rem; }
        .body a { color: var(--accent); }
        .body hr { border: 0; border-top: 1px solid var(--border); margin: 1rem 0; }
        .body blockquote { padding: .1rem .9rem; border-left: 3px solid var(--border); color: var(--muted); }
        .body table { border-collapse: collapse; display: block; overflow-x: auto; }
        .body th, .body td { border: 1px solid var(--border); padding: .3rem .65rem; }
        .body th { background: var(--code); }
        code { font-family: ui-monospace, "SF Mono", Menlo, Consolas, "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: .88em; }
        :not(pre) > code { background: var(--code); border: 1px solid var(--border); border-radius: 4px; padding: .05em .35em; }
        .body pre {
          position: relative; overflow-x: auto; padding: .75rem .9rem; line-height: 1.45;
          background: var(--code); border: 1px solid var(--border); border-radius: 8px;
        }
        .body pre[data-lang]::before {
          content: attr(data-lang); position: absolute; top: .2rem; right: .55rem; font-size: .7rem; color: var(--muted);
        }

        #composer { grid-area: composer; padding: .6rem 1rem 1rem; }
        #composer .box {
          max-width: 780px; margin: 0 auto; display: flex; align-items: flex-end; gap: .5rem;
          padding: .4rem .4rem .4rem .85rem; background: var(--panel);
          border: 1px solid var(--border); border-radius: 14px; box-shadow: 0 1px 3px rgb(0 0 0 / .06);
        }
        #composer .box:focus-within { border-color: var(--accent); }
        #input {
          flex: 1; min-width: 0; max-height: 240px; resize: none; border: 0; outline: 0; padding: .4rem 0;
          font: inherit; color: inherit; background: transparent;
        }
        /* Phones: tighter chrome, so the model's name keeps its room. */
        @media (max-width: 520px) {
          header.top { gap: .45rem; padding: .5rem .7rem; }
          header.top button { padding: .32rem .6rem; font-size: .85rem; }
          .model { padding: .1rem .45rem; font-size: .75rem; }
          #messages, #empty, #composer { padding-left: .7rem; padding-right: .7rem; }
        }
        """#
}
