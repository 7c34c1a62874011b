"""Bot text for each kind of chat window.

The actions write plain text with single line breaks, bare web addresses, and one
Markdown link per answer card (the source: ``[pzg-nordhessen.de](https://…)``).

- ``markdown_safe``: for socket.io, where widgets such as rasa-webchat render Markdown.
  Single line breaks become Markdown hard breaks ("  \\n"), so contact lines stay on
  their own lines, and bare addresses become autolinks (``<https://…>``), so that
  underscores in them are not read as emphasis; an address with "&" becomes a Markdown link
  whose label writes "&amp;" (else "&reg…" shows as "®…").  The project's widget understands all three.
- ``plain``: for Telegram and Facebook, which show text as it is: a Markdown link
  becomes its label.
"""
from __future__ import annotations

import re
from typing import Text

#: A Markdown link: [label](https://…)
MARKDOWN_LINK = re.compile(r"\[([^\]\n]+)\]\((https?://(?:[^\s()]|\([^\s()]*\))+)\)")
#: A bare web address (not already an autolink <…>; Markdown links are split off first).
BARE_URL = re.compile(r"(?<!<)\bhttps?://[^\s<>\"“”„]+")
#: Characters that end a sentence rather than an address.
TRAILING = ".,;:!?)'’،؛؟"


def _autolink(match: "re.Match[str]") -> str:
    url = match.group(0)
    tail = ""
    while url and url[-1] in TRAILING:
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break  # the bracket closes one in the address: "…/a_(b)"
        url, tail = url[:-1], url[-1] + tail
    if "&" in url:
        # Widgets whose Markdown decodes HTML entities turn "&reg" of "&regschl=" into "®" in the shown
        # text: a link whose label writes "&" as "&amp;" shows the address as it is.
        return f"[{url.replace('&', '&amp;')}]({url}){tail}"
    return f"<{url}>{tail}"


def markdown_safe(text: Text) -> Text:
    """Text that Markdown renders with its line breaks and unbroken links."""
    pieces = []
    last = 0
    for link in MARKDOWN_LINK.finditer(text):
        pieces.append(BARE_URL.sub(_autolink, text[last:link.start()]))
        pieces.append(link.group(0))
        last = link.end()
    pieces.append(BARE_URL.sub(_autolink, text[last:]))
    joined = "".join(pieces)
    # "\n\n" separates messages (Rasa's socket.io output splits there); single breaks become hard breaks.
    return re.sub(r"(?<!\n) *\n(?!\n)", "  \n", joined)


def plain(text: Text) -> Text:
    """Text for messengers that show no Markdown: links become their labels."""
    return MARKDOWN_LINK.sub(lambda m: m.group(1), text)
