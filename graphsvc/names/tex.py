"""TeX/LaTeX accents and special characters (as found in BibTeX and arXiv names) to Unicode."""

from __future__ import annotations

import re
import unicodedata

#: accent control symbols (``\"o``) -> combining mark
_ACCENT_SYMBOLS = {
    "'": "\u0301",
    "`": "\u0300",
    "^": "\u0302",
    '"': "\u0308",
    "~": "\u0303",
    "=": "\u0304",
    ".": "\u0307",
}
#: accent control words (``\v{S}``) -> combining mark
_ACCENT_WORDS = {
    "c": "\u0327",
    "v": "\u030c",
    "u": "\u0306",
    "H": "\u030b",
    "k": "\u0328",
    "r": "\u030a",
    "d": "\u0323",
    "b": "\u0331",
    "t": "\u0361",
}
#: what an accent on an empty group (``\~{}``) stands for
_SPACING_ACCENTS = {"\u0303": "~", "\u0302": "^", "\u0308": "\u00a8", "\u0301": "\u00b4"}
#: letter-like control words without argument
_SPECIAL_WORDS = {
    "o": "ø", "O": "Ø", "ss": "ß", "SS": "SS", "aa": "å", "AA": "Å", "ae": "æ", "AE": "Æ",
    "oe": "œ", "OE": "Œ", "l": "ł", "L": "Ł", "i": "ı", "j": "ȷ", "dh": "ð", "DH": "Ð",
    "dj": "đ", "DJ": "Đ", "th": "þ", "TH": "Þ", "ng": "ŋ", "NG": "Ŋ",
    "textquoteright": "’", "textquoteleft": "‘", "textquotedblright": "”",
    "textquotedblleft": "“", "textendash": "–", "textemdash": "—", "textasciitilde": "~",
    "textasciicircum": "^", "textbackslash": "\\", "textunderscore": "_", "textbar": "|",
    "textless": "<", "textgreater": ">", "textperiodcentered": "·", "guillemotleft": "«",
    "guillemotright": "»", "S": "§", "P": "¶", "copyright": "©", "pounds": "£",
    "ldots": "…", "dots": "…", "textellipsis": "…", "quad": " ", "qquad": " ",
}  # fmt: skip
#: control words whose braced argument is dropped too (BibTeX sorting hacks)
_DROP_WITH_ARGUMENT = frozenset({"noopsort", "SortNoop", "sortnoop", "noop"})
#: control words that produce nothing and whose following text is kept
_IGNORED_WORDS = frozenset({"protect", "relax", "nobreak", "newblock", "noindent", "xspace"})
#: control symbols (``\&``) -> text
_SYMBOLS = {
    "&": "&", "%": "%", "$": "$", "#": "#", "_": "_", "{": "{", "}": "}", " ": " ",
    "\\": " ", ",": " ", ";": " ", ":": " ", "!": "", "-": "", "/": "", "@": "",
    "\n": " ", "\t": " ",
}  # fmt: skip
#: dotless i/j take an accent as the dotted letter (``\'\i`` is í)
_DOTLESS = {"ı": "i", "ȷ": "j"}
#: whitespace TeX skips after a control word
_SKIPPED = frozenset(" \t\n\r")
_INTERESTING = re.compile(r"[\\{}~$]|--")
_ASCII_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


def decode_tex(s: str) -> str:
    r"""Turn TeX/LaTeX accents and specials into Unicode (NFC).

    Protective braces are removed, ``~`` becomes a space, ``--``/``---`` become en/em
    dashes and ``$`` is dropped. An unknown command followed by a braced argument is
    dropped and its argument text kept (``\emph{Smith}`` is ``Smith``); an unknown command
    without argument keeps its letters (a typo such as ``Je\zabek`` stays readable).
    Runs in time linear in ``len(s)``.

    Parameters
    ----------
    s : str
        Text that may contain TeX markup.

    Returns
    -------
    str
        The decoded text, Unicode NFC. Whitespace is not collapsed.

    Examples
    --------
    >>> decode_tex(r'{\"O}zt{\"u}rk')
    'Öztürk'
    >>> decode_tex(r"Bal\'azs, Rastislav \v{S}r\'amek, Mikkel {\O}bro")
    'Balázs, Rastislav Šrámek, Mikkel Øbro'
    >>> decode_tex(r"Mart{\'\i}nez, Fran\c{c}ois, \L{}ukasz, Gro\ss e, \aa{}ngstr\"{o}m")
    'Martínez, François, Łukasz, Große, ångström'
    >>> decode_tex(r"{Barnes \& Noble}~Inc, \textbf{Smith}, O{\textquoteright}Shea")
    'Barnes & Noble Inc, Smith, O’Shea'
    >>> decode_tex("plain text stays")
    'plain text stays'
    """
    if not _INTERESTING.search(s):
        if s.isascii() or unicodedata.is_normalized("NFC", s):
            return s
        return unicodedata.normalize("NFC", s)
    return unicodedata.normalize("NFC", _Decoder(s).run())


class _Decoder:
    """One left-to-right pass; accents wait in ``pending`` for the next base letter."""

    __slots__ = ("s", "n", "out", "pending", "pending_depth", "depth")

    def __init__(self, s: str) -> None:
        self.s = s
        self.n = len(s)
        self.out: list[str] = []
        self.pending: list[str] = []
        self.pending_depth = 0
        self.depth = 0

    def emit(self, text: str) -> None:
        if not text:
            return
        if self.pending:
            base = _DOTLESS.get(text[0], text[0])
            # inner accents were read last; they sit closest to the base letter
            text = base + "".join(reversed(self.pending)) + text[1:]
            self.pending.clear()
        self.out.append(text)

    def accent(self, mark: str) -> None:
        if not self.pending:
            self.pending_depth = self.depth
        self.pending.append(mark)

    def drop_pending(self) -> None:
        if self.pending:
            spacing = "".join(_SPACING_ACCENTS.get(m, "") for m in reversed(self.pending))
            self.pending.clear()
            self.emit(spacing)

    def skip_spaces(self, i: int) -> int:
        s, n = self.s, self.n
        while i < n and s[i] in _SKIPPED:
            i += 1
        return i

    def run(self) -> str:
        s, n = self.s, self.n
        i = 0
        while i < n:
            m = _INTERESTING.search(s, i)
            end = m.start() if m else n
            if end > i:
                self.emit(s[i:end])
                i = end
                continue
            ch = s[i]
            if ch == "\\":
                i = self.command(i)
            elif ch == "{":
                self.depth += 1
                i += 1
            elif ch == "}":
                if self.depth:
                    self.depth -= 1
                if self.pending and self.depth <= self.pending_depth:
                    self.drop_pending()
                i += 1
            elif ch == "~":
                self.emit(" ")
                i += 1
            elif ch == "$":
                i += 1
            elif s.startswith("---", i):
                self.emit("—")
                i += 3
            else:  # "--"
                self.emit("–")
                i += 2
        self.drop_pending()
        return "".join(self.out)

    def command(self, i: int) -> int:
        """Handle the command starting at the backslash ``s[i]``; return the next index."""
        s, n = self.s, self.n
        if i + 1 >= n:
            return n
        c = s[i + 1]
        if c not in _ASCII_LETTERS:
            mark = _ACCENT_SYMBOLS.get(c)
            if mark is not None:
                self.accent(mark)
                return self.skip_spaces(i + 2)
            self.emit(_SYMBOLS.get(c, c))
            return i + 2
        j = i + 1
        while j < n and s[j] in _ASCII_LETTERS:
            j += 1
        word = s[i + 1 : j]
        k = self.skip_spaces(j)
        mark = _ACCENT_WORDS.get(word)
        if mark is not None:
            self.accent(mark)
            return k
        if word == "a" and k < n and s[k] in _ACCENT_SYMBOLS:  # tabbing accents: \a'e
            self.accent(_ACCENT_SYMBOLS[s[k]])
            return self.skip_spaces(k + 1)
        special = _SPECIAL_WORDS.get(word)
        if special is not None:
            self.emit(special)
            return k
        if word in _IGNORED_WORDS:
            return k
        if word in _DROP_WITH_ARGUMENT:
            return self.skip_group(k) if k < n and s[k] == "{" else k
        if k < n and s[k] == "{":
            return k  # unknown command: its argument is read as ordinary text
        self.emit(word)
        return j

    def skip_group(self, i: int) -> int:
        """Index just after the brace group opening at ``s[i]``."""
        s, n = self.s, self.n
        depth = 0
        while i < n:
            ch = s[i]
            if ch == "\\":
                i += 2
                continue
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
                if depth == 0:
                    return i + 1
            i += 1
        return n
