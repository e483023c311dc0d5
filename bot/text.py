"""Cleaning of untrusted text (titles, abstracts, author names) shared by every surface.

Platform-specific neutralisation (Discord mentions, Slack ``<!channel>``) lives in the
adapters; this module removes what is dangerous everywhere: control characters
(terminal escape sequences), zero-width characters, and runs of whitespace. What an invisible
character does decides where it stays: inside an emoji sequence (bot/pictographic.py), between
letters of a script that joiners shape (bot/joiners.py), after "@" as a neutraliser's word joiner.
"""
from __future__ import annotations

import re
import unicodedata

from bot.joiners import JOINERS, joins_letters
from bot.pictographic import is_pictographic

# C0/C1 controls but tab and newline, line and paragraph separators, lone surrogates (no database can
# encode them), in stored and typed text; format characters are _FORMAT_RE's and _STORED_FORMAT_RE's
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
# dropped, not spaced: a soft hyphen only hints a line break inside a word (and hides text from a
# search), tags outside a flag's run (bot.pictographic keeps those) carry nothing to show
_DROPPED_RE = re.compile("[\u00ad\U000e0000-\U000e001f]")
_SPACE_RE = re.compile(r"\s+")  # every Unicode space: no-break (U+00A0, U+202F), ideographic (U+3000) …
# Format characters, Unicode category Cf: zero-width spaces and joiners, bidi controls, the BOM, the
# soft hyphen, tags (tests/core/test_typed_text.py checks this class against unicodedata)
FORMAT_CHARACTERS = ("\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e"
                     "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U00013438"
                     "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f")
_FORMAT_RE = re.compile(f"(?![\u200c\u200d\U000e0020-\U000e007f])[{FORMAT_CHARACTERS}]")  # joiners, tags: _PLACED_RE
# Format characters stored text keeps: the prepended concatenation marks are visible signs (the Arabic
# number sign spans the digits after it); the others arrange their script's own signs (Egyptian
# hieroglyphs, Duployan shorthand, musical notation). Every other one is spaced in stored text: the
# zero-width space, bidi controls and marks, the BOM, invisible operators, the deprecated U+206A–206F,
# the Mongolian vowel separator, the interlinear annotation marks U+FFF9–FFFB (which hide a run of text).
_SCRIPT_FORMAT = ("\u0600-\u0605\u06dd\u070f\u0890\u0891\u08e2\U000110bd\U000110cd\U00013430-\U00013438"
                  "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a")
_SCRIPT_FORMAT_RE = re.compile(f"[{_SCRIPT_FORMAT}]")
_STORED_FORMAT_RE = re.compile(f"(?![\u200c\u200d\u2060\U000e0020-\U000e007f{_SCRIPT_FORMAT}])[{FORMAT_CHARACTERS}]")
_WIDTH_FORMS_RE = re.compile("[\uff00-\uffef]+")  # full-width ASCII (２５１１, ｔｏｄａｙ), half-width kana
ZWJ = "\u200d"
WORD_JOINER = "\u2060"  # what a core neutraliser puts after "@" (bot.discussion.openings.thread_name)
MENTION = "@"
# Invisible characters kept only where they sit: what an emoji sequence holds (the joiner of 👩‍🔬,
# variation selectors — ❤️, and those CJK and maths use on their own bases — tags: the flag of
# England), the joiners of Persian and Indic words, the word joiner after "@".
_PLACED_RE = re.compile("[\u200c\u200d\u2060\ufe00-\ufe0f\U000e0020-\U000e007f\U000e0100-\U000e01ef]")
_PRESENTATION = "\ufe0e\ufe0f"  # text and emoji presentation: ☺︎ ☺️
_KEYCAP, _KEYCAP_BASES = "\u20e3", frozenset("#*0123456789")  # 1️⃣
_SKIN_TONES = ("\U0001f3fb", "\U0001f3ff")
_BLACK_FLAG, _CANCEL_TAG = "\U0001f3f4", "\U000e007f"
_MAX_TAGS = 7  # a subdivision flag's tags: gbeng, gbsct … (CLDR codes have at most 6 letters) and the cancel tag


def clean_text(text: str | None, *, typed: bool = False) -> str:
    """Normalise Unicode, drop control/bidi/zero-width characters, collapse whitespace.

    ``typed``: text a person typed — a command line, a platform's option value — read as they see
    it. Format characters are removed rather than spaced (a zero-width space inside a word must not
    split it, nor one at its edge stay stuck to it); the full-width forms fold to what they look
    like (NFKC, only there: '２５１１' is 2511, while NFKC elsewhere would make 'x²' 'x2'); any
    space is a space. In both: a joiner, variation selector or tag inside an emoji sequence stays
    (👩‍🔬 and 🏳️‍🌈 are one emoji each; a search for one must not become a search for two), and so does
    a joiner or non-joiner between letters of a script that shapes with them (Persian "می‌خواهم",
    Devanagari conjuncts); anywhere else they are removed (invisible characters that split words or
    smuggle text), as are soft hyphens and stray tags. Stored text keeps one word joiner right after
    "@": it is what keeps a mention neutralised by the core from pinging once an adapter cleans it again."""
    return _SPACE_RE.sub(" ", clean_characters(text, typed=typed)).strip()


def clean_characters(text: str | None, *, typed: bool = False) -> str:
    """:func:`clean_text`'s rule for characters alone, whitespace left as it is: what
    ``bot.paper_bounds`` uses where line breaks matter (an abstract's paragraphs)."""
    if not text:
        return ""
    text = _DROPPED_RE.sub("", unicodedata.normalize("NFC", text))
    text = _PLACED_RE.sub(lambda m: _placed(m, typed=typed), text)
    if typed:
        text = _FORMAT_RE.sub("", text)
        text = _WIDTH_FORMS_RE.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
        return _CONTROL_RE.sub(" ", text)
    return _STORED_FORMAT_RE.sub(" ", _CONTROL_RE.sub(" ", text))


def kept_in_place(text: str, at: int, *, typed: bool = False) -> bool:
    """Whether the invisible character at ``at`` does something there, so :func:`clean_text` keeps it:
    a joiner between letters of a script shaped with it or inside an emoji sequence, a variation
    selector on its base, a flag's tag, the word joiner right after "@" (stored text only), a script's
    own format character (stored text only). Any other invisible character is not kept."""
    char = text[at]
    if _SCRIPT_FORMAT_RE.match(char):
        return not typed
    if char in JOINERS and joins_letters(text, at):
        return True
    if char == WORD_JOINER:
        return not typed and at > 0 and text[at - 1] == MENTION
    return char != JOINERS[0] and bool(_PLACED_RE.match(char)) and _emoji_part(text, at)


def _placed(match: re.Match[str], *, typed: bool) -> str:
    """The invisible character kept where it does something, else removed (a space for the zero-width
    ones in stored text, as every other zero-width character there)."""
    char = match.group()
    if kept_in_place(match.string, match.start(), typed=typed):
        return char
    return "" if typed or char not in JOINERS + WORD_JOINER else " "


def _emoji_part(text: str, at: int) -> bool:
    """Whether the character at ``at`` belongs to an emoji sequence (or is a selector on its own base)."""
    char = text[at]
    before = text[at - 1] if at else ""
    after = text[at + 1] if at + 1 < len(text) else ""
    if char == ZWJ:  # between two emoji (the first may carry a skin tone or a presentation selector)
        return bool(after) and _ends_emoji(text, at) and is_pictographic(after)
    if char in _PRESENTATION:  # right after an emoji's pictograph, or a keycap's base
        return bool(before) and (is_pictographic(before) or before in _KEYCAP_BASES and after == _KEYCAP)
    if "\U000e0020" <= char <= _CANCEL_TAG:
        return _in_flag_tags(text, at)
    # another selector: one, on a base that is no emoji (a CJK ideograph's or a maths sign's variant)
    return bool(before) and unicodedata.category(before)[0] in "LNS" and not is_pictographic(before)


def _ends_emoji(text: str, at: int) -> bool:
    """Whether an emoji ends right before ``at``: a pictograph, then perhaps a skin tone and a presentation selector."""
    i = at - 1
    while i >= 0 and (text[i] in _PRESENTATION or _SKIN_TONES[0] <= text[i] <= _SKIN_TONES[1]):
        i -= 1
    return i >= 0 and i >= at - 3 and is_pictographic(text[i])


def _in_flag_tags(text: str, at: int) -> bool:
    """Whether the tag at ``at`` is in a flag's tag run: 🏴, a few tag letters, the cancel tag."""
    start = end = at
    while start > 0 and "\U000e0020" <= text[start - 1] <= _CANCEL_TAG:
        start -= 1
    while end < len(text) and "\U000e0020" <= text[end] < _CANCEL_TAG:
        end += 1
    return (start > 0 and text[start - 1] == _BLACK_FLAG and end < len(text) and text[end] == _CANCEL_TAG
            and 2 <= end - start < _MAX_TAGS)


def shorten(text: str, limit: int, *, trailing: str | None = " ,;:.") -> str:
    """Cut ``text`` to at most ``limit`` characters at a word boundary when one is near, with an
    ellipsis; ``trailing``: what the cut sheds before the ellipsis (None: any whitespace, as a
    source's field keeps its punctuation)."""
    if len(text) <= limit:
        return text
    cut = text[: max(0, limit - 1)]
    space = cut.rfind(" ")
    if space > limit * 0.6:
        cut = cut[:space]
    return cut.rstrip(trailing) + "…"


def sentence(text: str) -> str:
    """``text`` ending in exactly one full stop: none added after '?', '!' or '…', and a reason that
    already ends with one does not get a second ('… not found..')."""
    text = text.strip()
    if not text or text.endswith(("?", "!", "…")):
        return text
    return text.rstrip(". ") + "."


def format_authors(authors: tuple[str, ...] | list[str], limit: int = 3) -> str:
    """'A, B, C et al. (+12)' — short enough for a digest line."""
    names = [clean_text(a) for a in authors if clean_text(a)]
    if not names:
        return "unknown authors"
    if len(names) <= limit:
        return ", ".join(names)
    return f"{', '.join(names[:limit])} et al. (+{len(names) - limit})"


def split_text(text: str, limit: int) -> list[str]:
    """Split long text at paragraph, line or word boundaries into pieces of at most ``limit`` characters."""
    text = text.strip()
    chunks: list[str] = []
    while len(text) > limit:
        cut = max(text.rfind("\n\n", 0, limit), text.rfind("\n", 0, limit), text.rfind(" ", 0, limit))
        if cut < limit // 2:
            cut = limit
        chunks.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    if text:
        chunks.append(text)
    return chunks
