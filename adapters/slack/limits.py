"""Slack's limits in one place, and the one way neutralised mrkdwn is cut to fit them.

Documented (https://docs.slack.dev/reference/block-kit/blocks and ``chat.postMessage``): at most 50
blocks a message; a header's plain_text ≤ 150 characters; a section's text ≤ 3,000; a text object
≤ 3,000 (context lines are held to 2,000 here); a context block ≤ 10 elements; an image's
``image_url`` ≤ 3,000 and ``alt_text`` ≤ 2,000; a message's ``text`` is cut past 40,000
(``msg_too_long``). Observed: Slack refuses blocks whose texts add up past about 13,000 characters
(``msg_blocks_too_long``), so a message's blocks stay under 12,000.

Ours, on top: a link's URL is at most :data:`URL` characters (escaped) — a longer one is dropped,
never cut, since a cut URL leads somewhere else; one message's text is at most
:data:`MESSAGE_TEXT`; the bot's text about one paper in a thread (its opening) is at most
:data:`OPENING_MESSAGES` messages, any other text (an answer, a recap) at most
:data:`REPLY_MESSAGES`.

Cutting: :func:`fit` and :func:`split` cut neutralised mrkdwn at a line break or a space when
they can, and never inside a ``<…>`` link or an ``&…;`` entity, so a cut can neither break a
link nor turn escaped text back into a live control sequence.
"""
from __future__ import annotations

MAX_BLOCKS = 50
HEADER_TEXT = 150
SECTION_TEXT = 3000
CONTEXT_TEXT = 2000
CONTEXT_ELEMENTS = 10
IMAGE_URL = 3000
ALT_TEXT = 2000
SLACK_TEXT = 40_000  # chat.postMessage truncates (or refuses) past this
BLOCKS_TEXT = 12_000  # all the blocks' texts together
MESSAGE_TEXT = 3000  # one message we send: a piece of a long reply, a response_url answer, a fallback
URL = 1000  # a link's URL, escaped: longer ones are dropped
OPENING_MESSAGES = 2
REPLY_MESSAGES = 4
ELLIPSIS = "…"
_ENTITY = 5  # the longest entity neutralising writes: "&amp;"


def _unbroken(text: str, cut: int) -> int:
    """``cut`` moved back so that it falls outside any ``<…>`` link and ``&…;`` entity."""
    opened = text.rfind("<", 0, cut)
    if opened != -1 and text.find(">", opened, cut) == -1:
        cut = opened
    amp = text.rfind("&", max(0, cut - _ENTITY + 1), cut)
    if amp != -1 and text.find(";", amp, cut) == -1:
        cut = amp
    return cut


def _cut(text: str, limit: int) -> int:
    """Where to end a piece of ``text`` of at most ``limit`` characters (``text`` is longer)."""
    for mark in ("\n\n", "\n", " "):
        at = text.rfind(mark, 0, limit + 1)
        if at >= limit // 2:
            return at
    return _unbroken(text, limit)


def _skip_token(text: str) -> int:
    """The length of the unbreakable token ``text`` starts with (a link or an entity too long to fit)."""
    end = text.find(">" if text.startswith("<") else ";")
    return end + 1 if end != -1 else len(text)


def fit(text: str, limit: int) -> str:
    """``text`` in at most ``limit`` characters, ending in "…" when something was cut off."""
    if len(text) <= limit:
        return text
    if limit <= len(ELLIPSIS):
        return ELLIPSIS[:limit]
    room = limit - len(ELLIPSIS)
    cut = _cut(text, room)
    if cut >= room * 3 // 5:  # a word boundary not too far back
        return text[:cut].rstrip() + ELLIPSIS
    return text[:_unbroken(text, room)].rstrip() + ELLIPSIS


def split(text: str, limit: int = MESSAGE_TEXT, max_pieces: int = REPLY_MESSAGES) -> list[str]:
    """``text`` in at most ``max_pieces`` pieces of at most ``limit`` characters; when that is not
    enough room, the last piece ends in "…" and the rest is left out."""
    text = text.strip()
    pieces: list[str] = []
    while text and len(pieces) < max_pieces:
        if len(text) <= limit:
            pieces.append(text)
            text = ""
            break
        cut = _cut(text, limit)
        if cut == 0:  # an unbreakable token longer than a piece: left out
            text = text[_skip_token(text):].lstrip()
            continue
        piece, text = text[:cut].rstrip(), text[cut:].lstrip()
        if piece:
            pieces.append(piece)
    if text and pieces:
        last = pieces[-1]
        pieces[-1] = last + ELLIPSIS if len(last) + len(ELLIPSIS) <= limit else fit(last + " " + text[:limit], limit)
    return pieces

# Views (App Home, modals; https://docs.slack.dev/reference/views and …/block-kit/block-elements):
# at most 100 blocks a view; a button's text ≤ 75 characters and its value ≤ 2,000; a confirm dialog's
# title ≤ 100, text ≤ 300, its buttons ≤ 30; a modal's title, submit and close ≤ 24; its
# private_metadata ≤ 3,000; an input's label ≤ 2,000 and hint ≤ 2,000; an option's text ≤ 75.
VIEW_BLOCKS = 100
BUTTON_TEXT = 75
BUTTON_VALUE = 2000
CONFIRM_TITLE = 100
CONFIRM_TEXT = 300
CONFIRM_BUTTON = 30
MODAL_TITLE = 24
PRIVATE_METADATA = 3000
INPUT_LABEL = 2000
INPUT_HINT = 2000
OPTION_TEXT = 75
FIELD_ERROR = 300  # ours: a view_submission error under a field, one or two sentences
