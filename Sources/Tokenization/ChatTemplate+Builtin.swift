// Templates Tern ships for models whose files carry none.

extension ChatTemplate {
    /// The names `builtin(named:)` accepts.
    public static let builtinNames = ["gemma3"]

    /// A built-in template by name:
    /// - `gemma3`: the Gemma 3 instruct turn format, `<bos><start_of_turn>user\n…<end_of_turn>\n`
    ///   with the assistant's turns called `model`, a leading system message folded into the
    ///   first user turn, and `<start_of_turn>model\n` as the generation prompt. It renders what
    ///   Google's official Gemma 3 template renders (the tests hold the two equal).
    public static func builtin(named name: String) throws(ChatTemplateError) -> ChatTemplate {
        switch name {
        case "gemma3", "gemma-3", "gemma": return try ChatTemplate(source: gemma3Source, bosToken: "<bos>", eosToken: "<eos>")
        default: throw .noTemplate("no built-in chat template named '\(name)' (known: \(builtinNames.joined(separator: ", ")))")
        }
    }

    /// Gemma 3 has no system role: the system text and a blank line open the first user turn.
    /// Content is a string or a list of parts (`{"type": "text", "text": …}` or an image).
    static let gemma3Source = """
        {#- Gemma 3 instruct turns; the assistant is "model" and there is no system role. -#}
        {{- bos_token -}}
        {%- set turns = messages -%}
        {%- set prefix = '' -%}
        {%- if messages[0]['role'] == 'system' -%}
            {%- set system = messages[0]['content'] -%}
            {%- set prefix = (system if system is string else system[0]['text']) + '\\n\\n' -%}
            {%- set turns = messages[1:] -%}
        {%- endif -%}
        {%- for message in turns -%}
            {%- if (message['role'] == 'user') != (loop.index0 is even) -%}
                {{- raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') -}}
            {%- endif -%}
            {{- '<start_of_turn>' + ('model' if message['role'] == 'assistant' else message['role']) + '\\n' -}}
            {{- prefix if loop.first -}}
            {%- if message['content'] is string -%}
                {{- message['content'] | trim -}}
            {%- elif message['content'] is iterable -%}
                {%- for part in message['content'] -%}
                    {{- '<start_of_image>' if part['type'] == 'image' else (part['text'] | trim if part['type'] == 'text') -}}
                {%- endfor -%}
            {%- else -%}
                {{- raise_exception('Invalid content type') -}}
            {%- endif -%}
            {{- '<end_of_turn>\\n' -}}
        {%- endfor -%}
        {%- if add_generation_prompt -%}
            {{- '<start_of_turn>model\\n' -}}
        {%- endif -%}
        """
}
