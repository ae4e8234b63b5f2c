"""What a reader sees of a page's Markdown: the text made plain by ui.brut (fmt.texte_brut) read back,
its backslash escapes and invisible word joiners removed; shared by the page tests."""

from __future__ import annotations

import re


def literal(markdown: str) -> str:
    """The text a reader sees of `markdown` written by ui.brut (escapes read, word joiners dropped)."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", str(markdown)).replace("\u2060", "").replace("  \n", "\n")
