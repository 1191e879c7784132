extension WebPage {
    /// The page's chat client: keeps the conversation, posts all of it to `/v1/chat/completions`
    /// with `stream: true`, reads the server-sent events with `fetch` and a stream reader, and
    /// renders each reply as it grows. Stop aborts the fetch (the server cancels the request when
    /// the connection closes). `window.tern` exposes the state and actions to tests and consoles.
    static let chatScript = #"""
        const $ = (id) => document.getElementById(id);

        const state = {
          /** The conversation as sent: {role: "user" | "assistant", content}; the system prompt is added per request. */
          messages: [],
          model: null,
          /** While a reply streams: {controller, view}. */
          streaming: null,
          /** The last request body posted (what the server saw). */
          lastRequest: null,
          /** Fields merged into every request body, e.g. {seed: 1}. */
          extraBody: {},
        };

        const settingsKey = "tern.settings", apiKeyKey = "tern.apiKey";

        function loadSettings() {
          let saved = {};
          try { saved = JSON.parse(localStorage.getItem(settingsKey) || "{}"); } catch { saved = {}; }
          if (typeof saved.system === "string") $("system").value = saved.system;
          if (saved.temperature != null) $("temperature").value = saved.temperature;
          if (saved.maxTokens != null) $("max-tokens").value = saved.maxTokens;
          $("api-key").value = localStorage.getItem(apiKeyKey) || "";
          showTemperature();
        }

        function saveSettings() {
          localStorage.setItem(settingsKey, JSON.stringify({
            system: $("system").value, temperature: $("temperature").value, maxTokens: $("max-tokens").value }));
          const key = $("api-key").value.trim();
          if (key) localStorage.setItem(apiKeyKey, key); else localStorage.removeItem(apiKeyKey);
        }

        function showTemperature() { $("temperature-value").textContent = Number($("temperature").value).toFixed(2); }

        function headers() {
          const h = { "Content-Type": "application/json" };
          const key = $("api-key").value.trim();
          if (key) h.Authorization = "Bearer " + key;
          return h;
        }

        /** The message of an error response: OpenAI's `{"error": {"message"}}`, else the status. */
        async function errorMessage(response) {
          const text = await response.text().catch(() => "");
          try {
            const body = JSON.parse(text);
            if (body && body.error && body.error.message) return `${response.status}: ${body.error.message}`;
          } catch { /* not JSON */ }
          return `${response.status} ${response.statusText}${text ? ": " + text.slice(0, 300) : ""}`;
        }

        function setStatus(text, kind) {
          const el = $("model");
          el.textContent = text;
          el.dataset.kind = kind;
        }

        /** The served model's name from /v1/models; retries while the model loads (503). */
        async function fetchModel() {
          try {
            const response = await fetch("/v1/models", { headers: headers() });
            if (response.status === 503) { setStatus("model loading…", "busy"); setTimeout(fetchModel, 1000); return; }
            if (!response.ok) { setStatus(await errorMessage(response), "error"); return; }
            const body = await response.json();
            state.model = body.data && body.data[0] ? body.data[0].id : null;
            setStatus(state.model || "no model", state.model ? "ready" : "error");
            $("empty-model").textContent = state.model || "the model";
          } catch (e) {
            setStatus("server unreachable", "error");
            setTimeout(fetchModel, 3000);
          }
        }

        /** Server-sent events of a response body: the `data` of each event, as text. */
        async function* serverSentEvents(body) {
          const reader = body.getReader();
          const decoder = new TextDecoder();
          let buffer = "";
          try {
            for (;;) {
              const { value, done } = await reader.read();
              if (done) return;
              buffer += decoder.decode(value, { stream: true });
              let end;
              while ((end = buffer.indexOf("\n\n")) >= 0) {
                const event = buffer.slice(0, end);
                buffer = buffer.slice(end + 2);
                const data = event.split("\n").map((l) => l.replace(/\r$/, "")).filter((l) => l.startsWith("data:"))
                  .map((l) => l.slice(5).replace(/^ /, "")).join("\n");
                if (data) yield data;
              }
            }
          } finally {
            reader.cancel().catch(() => {});
          }
        }

        /** One message in the transcript; assistant text is rendered as Markdown. */
        function addView(role, text) {
          $("empty").hidden = true;
          const article = document.createElement("article");
          article.className = "msg " + role;
          const who = document.createElement("div");
          who.className = "who";
          who.textContent = role === "user" ? "You" : role === "assistant" ? "Assistant" : "Error";
          const body = document.createElement("div");
          body.className = "body";
          const meta = document.createElement("div");
          meta.className = "meta";
          article.append(who, body, meta);
          $("messages").append(article);
          let pending = null, current = text;
          const view = {
            article, body, meta,
            render() {
              if (role === "assistant") body.innerHTML = renderMarkdown(current); else body.textContent = current;
            },
            /** Re-renders once per frame however many deltas arrive. */
            update(newText) {
              current = newText;
              if (pending == null) pending = requestAnimationFrame(() => { pending = null; view.render(); follow(); });
            },
            finish(newText) {
              if (pending != null) cancelAnimationFrame(pending);
              pending = null;
              current = newText;
              view.render();
            },
          };
          view.render();
          follow(true);
          return view;
        }

        /** Keeps the newest text in sight unless the reader has scrolled up. */
        function follow(force) {
          const box = $("chat");
          if (force || box.scrollHeight - box.scrollTop - box.clientHeight < 120) box.scrollTop = box.scrollHeight;
        }

        function setBusy(busy) {
          $("send").hidden = busy;
          $("stop").hidden = !busy;
          document.body.classList.toggle("busy", busy);
        }

        /** Sends `text` as the next user turn with the whole conversation, and streams the reply. */
        async function send(text) {
          text = String(text ?? $("input").value);
          if (state.streaming || !text.trim()) return;
          $("input").value = "";
          growInput();
          const userView = addView("user", text);
          const turns = state.messages;  // New chat replaces the array: a late reply lands in the old one
          turns.push({ role: "user", content: text });
          const system = $("system").value.trim();
          const body = {
            messages: [...(system ? [{ role: "system", content: system }] : []), ...turns],
            stream: true,
            stream_options: { include_usage: true },
            temperature: Number($("temperature").value),
            ...state.extraBody,
          };
          if (state.model) body.model = state.model;
          const maxTokens = parseInt($("max-tokens").value, 10);
          if (maxTokens > 0) body.max_tokens = maxTokens;
          state.lastRequest = body;
          const reply = await streamReply(body, addView("assistant", ""));
          if (reply) {
            turns.push({ role: "assistant", content: reply });
          } else {
            // Nothing came back: take the turn out of the conversation and give the text back.
            turns.pop();
            userView.article.classList.add("unsent");
            userView.meta.textContent = "not in the conversation — the text is back in the box";
            if (!$("input").value) { $("input").value = text; growInput(); }
          }
        }

        /** Streams one reply into `view`; returns its text ("" if none came). */
        async function streamReply(body, view) {
          const controller = new AbortController();
          state.streaming = { controller, view };
          setBusy(true);
          view.article.classList.add("streaming");
          let text = "", usage = null, finish = null, error = null, stopped = false, firstDelta = null;
          try {
            const response = await fetch("/v1/chat/completions", {
              method: "POST", headers: headers(), body: JSON.stringify(body), signal: controller.signal });
            if (!response.ok) throw new Error(await errorMessage(response));
            for await (const data of serverSentEvents(response.body)) {
              if (data === "[DONE]") break;
              const chunk = JSON.parse(data);
              if (chunk.error) { error = chunk.error.message || JSON.stringify(chunk.error); break; }
              if (chunk.usage) usage = chunk.usage;
              const choice = chunk.choices && chunk.choices[0];
              if (!choice) continue;
              if (choice.delta && typeof choice.delta.content === "string" && choice.delta.content) {
                firstDelta ??= performance.now();
                text += choice.delta.content;
                view.update(text);
              }
              if (choice.finish_reason) finish = choice.finish_reason;
            }
          } catch (e) {
            if (e.name === "AbortError") stopped = true; else error = e.message || String(e);
          }
          state.streaming = null;
          setBusy(false);
          view.article.classList.remove("streaming");
          view.finish(text);
          const notes = [];
          if (usage) {
            // Decoding speed: the tokens after the first over the time since it arrived.
            const seconds = firstDelta == null ? 0 : (performance.now() - firstDelta) / 1000;
            const rate = usage.completion_tokens > 1 && seconds > 0 ? ` · ${((usage.completion_tokens - 1) / seconds).toFixed(1)} tok/s` : "";
            notes.push(`${usage.completion_tokens} tokens${rate}`);
          }
          if (finish === "length") notes.push("cut at max tokens");
          if (stopped) notes.push("stopped");
          view.meta.textContent = notes.join(" · ");
          if (stopped) view.article.classList.add("stopped");
          if (error) {
            const box = document.createElement("div");
            box.className = "error";
            box.setAttribute("role", "alert");
            box.textContent = error;
            view.article.append(box);
            view.article.classList.add("failed");
          }
          if (!text) view.body.remove();
          follow();
          return text;
        }

        function stop() { if (state.streaming) state.streaming.controller.abort(); }

        function newChat() {
          stop();
          state.messages = [];
          $("messages").replaceChildren();
          $("empty").hidden = false;
          $("input").focus();
        }

        function growInput() {
          const input = $("input");
          input.style.height = "auto";
          input.style.height = Math.min(input.scrollHeight, 240) + "px";
        }

        function toggleSettings(open) {
          const isOpen = document.body.classList.toggle("settings-open", open);
          $("settings-toggle").setAttribute("aria-expanded", String(isOpen));
        }

        loadSettings();
        $("composer").addEventListener("submit", (e) => { e.preventDefault(); send(); });
        $("input").addEventListener("keydown", (e) => {
          if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); send(); }
        });
        $("input").addEventListener("input", growInput);
        $("stop").addEventListener("click", stop);
        $("new-chat").addEventListener("click", newChat);
        $("settings-toggle").addEventListener("click", () => toggleSettings());
        for (const event of ["input", "change"]) $("temperature").addEventListener(event, showTemperature);
        for (const id of ["system", "temperature", "max-tokens", "api-key"]) $(id).addEventListener("change", saveSettings);
        $("api-key").addEventListener("change", fetchModel);
        document.addEventListener("keydown", (e) => { if (e.key === "Escape") stop(); });
        fetchModel();

        window.renderMarkdown = renderMarkdown;
        window.tern = { state, send, stop, newChat, renderMarkdown };
        """#
}
