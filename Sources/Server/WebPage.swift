/// The chat page served at `/`: one self-contained document (markup, style and script inline,
/// nothing fetched from elsewhere, no build step) that talks to this server's own OpenAI API.
/// Its parts: `style` (WebPage+Style), `markdownScript` (WebPage+Markdown), `chatScript`
/// (WebPage+Chat).
enum WebPage {
    /// The whole document. The content security policy holds the page to this origin: scripts
    /// and styles only inline, requests only to this server, no images or frames from anywhere.
    static let html = #"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'">
        <title>Tern chat</title>
        <style>
        \#(Self.style)
        </style>
        </head>
        <body>
        <div class="app">
          <header class="top">
            <button id="settings-toggle" class="ghost" type="button" aria-controls="settings" aria-expanded="false">Settings</button>
            <h1>Tern</h1>
            <span id="model" class="model" data-kind="busy" title="The served model">connecting…</span>
            <span class="spacer"></span>
            <button id="new-chat" class="ghost" type="button">New chat</button>
          </header>
          <aside id="settings" aria-label="Settings">
            <label>System prompt
              <textarea id="system" rows="4" placeholder="Optional, e.g. You are a concise assistant."></textarea>
            </label>
            <label><span class="row">Temperature <output id="temperature-value">0.70</output></span>
              <input id="temperature" type="range" min="0" max="2" step="0.05" value="0.7">
            </label>
            <label>Max tokens
              <input id="max-tokens" type="number" min="1" step="1" value="512">
            </label>
            <label>API key
              <input id="api-key" type="password" autocomplete="off" spellcheck="false" placeholder="none">
            </label>
            <p class="hint">Kept in this browser's local storage; sent as <code>Authorization: Bearer</code>.</p>
          </aside>
          <main id="chat">
            <div id="empty">
              <h2>Chat with <span id="empty-model">the model</span></h2>
              <p><kbd>Enter</kbd> sends, <kbd>Shift</kbd>+<kbd>Enter</kbd> starts a new line, <kbd>Esc</kbd> stops a reply.</p>
            </div>
            <div id="messages" aria-live="off"></div>
          </main>
          <form id="composer" autocomplete="off">
            <div class="box">
              <textarea id="input" rows="1" placeholder="Message" aria-label="Message" autofocus></textarea>
              <button id="send" type="submit">Send</button>
              <button id="stop" type="button" hidden>Stop</button>
            </div>
          </form>
        </div>
        <script>
        "use strict";
        \#(Self.markdownScript)
        \#(Self.chatScript)
        </script>
        </body>
        </html>
        """#
}
