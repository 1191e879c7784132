#!/usr/bin/env bash
# tiny-chat: the whole chain on one CPU, from packages installed by name to a chat model.
#   1. data: the King James Bible (Debian `bible-kjv`) and chatterbot-corpus conversations (pip)
#   2. a byte-level BPE tokenizer (8,192 tokens, ChatML specials)           tern tokenizer train
#   3. token shards with a 5% validation split                             tern data tokenize
#   4. pretraining of a ~14M-parameter Llama-style model (pretrain.json)    tern train pretrain
#   5. export to GGUF with the ChatML template                              tern export
#   6. supervised fine-tuning on the conversations (sft.json)               tern train sft
#   7. export of the chat model; a greedy answer from `tern generate`, and the same tokens from
#      llama.cpp when llama-cpp-python is installed                         compare_llamacpp.py
#   8. with PyTorch installed: the same pretraining config in PyTorch eager  torch_reference.py
# Every stage skips work already done (a killed run continues: pretraining and SFT resume from
# their checkpoints). Usage: recipes/tiny-chat/run.sh [WORK_DIR]   (default .build/tiny-chat)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
WORK="${1:-$REPO/.build/tiny-chat}"
VENV="${TERN_HOME:-$HOME/.cache/tern}/venv"
PY="$VENV/bin/python"
mkdir -p "$WORK"
cd "$WORK"

if ! command -v bible >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bible-kjv >/dev/null
  else
    echo "install Debian's bible-kjv package (apt-get install bible-kjv) first" >&2; exit 1
  fi
fi
[ -x "$PY" ] || python3 -m venv "$VENV"
"$PY" -m pip install -q chatterbot-corpus==1.3.3 --no-deps
"$PY" -m pip install -q pyyaml
(cd "$REPO" && swift build -c release --product tern >/dev/null)
TERN="$REPO/.build/release/tern"

[ -f data/kjv.jsonl ] || "$PY" "$HERE/prepare.py" data
[ -f tokenizer.json ] || "$TERN" tokenizer train --input data/kjv.jsonl data/chat_text.jsonl --vocab-size 8192 \
  --special "<|endoftext|>" "<|im_start|>" "<|im_end|>" --output tokenizer.json
[ -f shards/manifest.json ] || "$TERN" data tokenize --tokenizer tokenizer.json -o shards --append-eos \
  --validation-fraction 0.05 data/kjv.jsonl

resume() { [ -f "$1/checkpoints/latest" ] && echo --resume || true; }
"$TERN" train pretrain --config "$HERE/pretrain.json" --data shards --output pretrain $(resume pretrain)
[ -f base.gguf ] || "$TERN" export --checkpoint pretrain --config pretrain/config.json --tokenizer tokenizer.json \
  --chat-template "$HERE/chatml.jinja" --format gguf --type f32 --output base.gguf

"$TERN" train sft --config "$HERE/sft.json" --model base.gguf --data data/chat.jsonl --output sft $(resume sft)
[ -f chat.gguf ] || "$TERN" export --checkpoint sft --config sft/config.json --tokenizer tokenizer.json \
  --chat-template "$HERE/chatml.jinja" --format gguf --type f32 --output chat.gguf

echo "--- tern chat: one question, greedy"
echo "What is AI?" | "$TERN" chat --model chat.gguf --temperature 0 -n 60
if "$PY" -c "import llama_cpp" 2>/dev/null; then
  "$PY" "$HERE/compare_llamacpp.py" --tern "$TERN" --model chat.gguf --question "What is AI?" --tokens 40
fi
if "$PY" -c "import torch" 2>/dev/null && [ ! -f torch_reference.json ]; then
  "$PY" "$HERE/torch_reference.py" --config "$HERE/pretrain.json" --data shards --out torch_reference.json
fi
"$PY" "$HERE/summary.py" pretrain sft torch_reference.json
