"""Text in a document that addresses an AI model ("忽略以上指令…"): kept and shown as the document's words,
but never searched for, never quoted as an answer, and marked as quoted material when an LLM reads it."""
from __future__ import annotations

import re

# Each pattern needs words aimed at a model or its instructions: ordinary 通知 text ("不得忽视上述要求",
# "推动人工智能产业发展") does not match.
_PATTERNS = [
    r"(?:忽略|无视|忽视|忘记|忘掉|不要理会|不用理会|跳过|覆盖)[^。！？\n]{0,6}?(?:以上|上述|上面|之前|此前|先前|前面|前述|所有|全部|系统|原有|你的)"
    r"[^。！？\n]{0,6}?(?:指令|指示|提示词?|设定|命令|约束)",
    r"(?:新的|以下是|现在的)(?:系统)?(?:指令|提示词)[:：]",
    r"(?:系统提示词?|system\s*prompt|prompt\s*injection)",
    r"(?:你|您)(?:现在)?(?:是|扮演|作为|充当)(?:一[个名])?[^。！？\n]{0,16}?(?:AI|人工智能|助手|模型|机器人|ChatGPT|GPT)",
    r"(?:作为|身为)一[个名](?:AI|人工智能|大?语言模型|大模型|智能助手|问答助手)",
    r"\b(?:ignore|disregard|forget|override)\b[^.!?\n]{0,30}\b(?:instructions?|prompts?|rules|directions|guidelines)\b",
    r"\byou\s+are\s+now\b|\bact\s+as\s+(?:an?\s+)?(?:ai|assistant|model|chatbot)\b",
]
_INSTRUCTION = re.compile("|".join(f"(?:{p})" for p in _PATTERNS), re.IGNORECASE)
_SENTENCES = re.compile(r"[^。！？!?\n]*(?:[。！？!?]+|\n|$)")
QUOTED = re.compile(r"“[^”]*”|「[^」]*」|『[^』]*』|\"[^\"]*\"")
ECHO_CHARS = 6  # this many characters of an instruction repeated outside quotes count as following it


def looks_like_instruction(sentence: str) -> bool:
    return bool(_INSTRUCTION.search(sentence))


def instruction_sentences(text: str) -> list[str]:
    """The sentences of a text that address a model."""
    return [s.strip() for s in _SENTENCES.findall(text) if s.strip() and looks_like_instruction(s)]


def without_instructions(text: str) -> str:
    """The text with sentences addressing a model left out (what is embedded and searched)."""
    if not _INSTRUCTION.search(text):
        return text
    return "".join(s for s in _SENTENCES.findall(text) if not looks_like_instruction(s))


def echoed_instruction(answer: str, sources: list[str]) -> str:
    """An instruction sentence from the sources that the answer repeats outside quotation marks ("" if none)."""
    unquoted = _letters(QUOTED.sub(" ", answer))
    for source in sources:
        for sentence in instruction_sentences(source):
            # Its words after the directive ("回答：…") are what obeying would repeat.
            compact = _letters(sentence)
            for start in range(0, max(len(compact) - ECHO_CHARS, 0) + 1):
                if compact[start:start + ECHO_CHARS] in unquoted:
                    return sentence
    return ""


def _letters(text: str) -> str:
    """Letters, digits and CJK only: markers, spaces and punctuation do not hide a repeat."""
    return re.sub(r"\[\d+\]|[\W_]+", "", text)
