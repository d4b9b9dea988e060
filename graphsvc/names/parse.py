"""Author names: display form, match-oriented folding, parsing into parts and match keys."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

from unidecode import unidecode

from graphsvc.names.tex import decode_tex

# -- tables -------------------------------------------------------------------------------

#: lower-case surname particles ("Ludwig van Beethoven"); only particles when lower case
PARTICLES = frozenset({
    "van", "von", "der", "den", "de", "del", "della", "delle", "dei", "degli", "di", "da", "do",
    "dos", "das", "du", "la", "le", "les", "ter", "ten", "te", "vander", "vande", "zu", "zum",
    "zur", "af", "av", "op", "y", "bin", "binti", "bint", "ibn",
})  # fmt: skip
#: the conjunctions that join two family names ("Ortega y Gasset", Catalan "Fontcuberta i
#: Morral"): the family name starts one word before them
_CONJUNCTIONS = frozenset({"y", "i"})
#: Gaelic surname prefixes, particles even when capitalised ("Seán Ó hÉigeartaigh")
_GAELIC = frozenset({
    "Ó", "Ní", "Nic", "Uí", "Ua", "Mac", "Mc", "Mhic", "ó", "ní", "nic", "uí", "ua", "mac", "mc",
})  # fmt: skip
#: their unaccented spellings: particles only before a lower-case mutated word ("O hEigeartaigh")
_GAELIC_PLAIN = frozenset({"O", "Ni", "Ui", "o", "ni", "ui"})
#: name suffixes, folded -> display form
_SUFFIXES = {"jr": "Jr.", "jnr": "Jr.", "sr": "Sr.", "snr": "Sr.", "2nd": "2nd", "3rd": "3rd",
             "4th": "4th", "ii": "II", "iii": "III", "iv": "IV"}  # fmt: skip
#: suffixes that read as a suffix even right after a single token ("King, Jr.", "Smith Jr.")
_STRONG_SUFFIXES = frozenset({"jr", "jnr", "sr", "snr"})
#: words that make a string an organisation name, kept whole as the family part
_CORPORATE = re.compile("ollaborat|OLLABORAT|onsortium|ONSORTIUM")

# Cc controls (except the whitespace ones, which the whitespace collapse handles) and the
# invisible format characters that only get in the way of matching; and fillers: "letters"
# that draw nothing (Hangul fillers U+3164, U+FFA0, U+115F/U+1160, the braille blank, Khmer
# inherent vowels, the Mongolian vowel separator, the combining grapheme joiner, invisible
# operators), which made a name of one invisible "letter" a separate, invisible author
_STRIP = dict.fromkeys(
    [c for c in [*range(0x20), *range(0x7F, 0xA0)] if not chr(c).isspace()]
    + [0xAD, 0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180E, 0x200B, 0x200E, 0x200F,
       *range(0x202A, 0x202F), *range(0x2060, 0x2065), *range(0x2066, 0x206A), 0x2800,
       0x3164, 0xFEFF, 0xFFA0]
)  # fmt: skip
# zero-width (non-)joiners shape letters of joining scripts (Persian, Indic): kept between two
# such letters, dropped anywhere else (in a Latin name they only make a look-alike spelling)
_JOINING = "\u0600-\u08ff\u0900-\u0dff\u0f00-\u109f\ua840-\ua87f\ufb50-\ufdff\ufe70-\ufefc"
_STRAY_JOINER = re.compile(
    f"(?<![{_JOINING}])[\u200c\u200d]+|[\u200c\u200d]+(?![{_JOINING}])"
)
# what a terminal must never be sent: whole escape sequences, then any other C0/C1 control
# but tab, newline and carriage return
_TERMINAL = str.maketrans(dict.fromkeys(
    c for c in [*range(0x20), *range(0x7F, 0xA0)] if chr(c) not in "\t\n\r"))
# whole terminal escape sequences (ECMA-48), not only their ESC: CSI "ESC [ 31 m", OSC
# "ESC ] 0 ; title BEL" (and DCS, PM, APC), two-character escapes. A lone 8-bit C1 control
# only goes itself (``_STRIP``): in text decoded with the wrong code page it stands for a
# letter ("\x9e" is cp1252's "ž"), and the rest of the name must stay
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]?"
    r"|\x1b[\]PX^_][^\x07\x1b\x9c]{0,256}(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -/]*[0-~]?"
)
# after unidecode: apostrophes vanish ("O'Brien" -> "obrien"), other punctuation splits words
_FOLD_TABLE = str.maketrans(
    {c: (None if c in "'`" else " ") for c in map(chr, range(128)) if not c.isalnum()}
)
_TEX = re.compile(r"[\\{}~$]|--")
_NON_WORD = re.compile(r"[\W_]+")
_ASCII_LETTER = re.compile(r"[A-Za-z]")
_BRACKETED = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
# a nickname in brackets inside a name ("Yan (Michael) Zhang"): one word of letters
_NICKNAME = re.compile(r"[(\[][^\W\d_][^\W\d_'’-]*[)\]]")
# "C. -P.", "Jean - Pierre": spaces around a hyphen between two name parts
_SPACED_HYPHEN = re.compile(r"(?<=[\w.])\s*([-‐‑–])\s*(?=\w)")
_DOT_LETTER = re.compile(r"(?<=[^\W\d_])\.(?=[^\W\d_])")
_DOT_INITIAL = re.compile(r"(?<![^\s.\-‐‑–])([^\W\d_])\.(?=[^\W\d_])")
# "G.K.Savvidy", "J.-P.Serre", "A.Yu.Dubin", "K.-hua.Chen", "J.de.Boer": initials, each
# with its dot, glued to the surname. Possessive so a 10k-character string cannot backtrack.
_GLUED_INITIALS = re.compile(
    r"(?:[^\W\d_]\.|[A-ZÀ-ÖØ-Þ][a-z]\.|[-‐‑–]{1,2}[^\W\d_]+\.)++(?=[^\W\d_])"
)
_GLUED_LAST = re.compile(r"(?:[A-ZÀ-ÖØ-Þ]\.)++(?=[^\W\d_])")
# TeX specials that survive decoding as literal text ("\\{", "\\textbackslash"): display
# forms must not contain them, or decoding the display again would change it
_LEFTOVER = str.maketrans({"\\": None, "{": None, "}": None, "$": None, "~": " "})


# -- strings ------------------------------------------------------------------------------


def strip_controls(s: str) -> str:
    r"""``s`` without control characters and invisible format characters; nothing else changes.

    Removes terminal escape sequences whole (``ESC [ 31 m``, an ``ESC ] … BEL`` title), the
    C0/C1 controls other than whitespace (NUL, BEL, ESC, DEL …), bidirectional marks,
    overrides and isolates, zero-width spaces, word joiners, soft hyphens and BOMs (never part
    of a name; they can hide or reorder printed text, or drive a terminal).

    Examples
    --------
    >>> strip_controls("Ada\x00 Love\u202elace\x1b[31m")
    'Ada Lovelace'
    >>> strip_controls("\x1b]0;pwned\x07Ada \x1b[1;31mLovelace\x1b[0m")
    'Ada Lovelace'
    >>> strip_controls("Jos\x9e Mu\x9bller")  # C1 letters of a wrong code page: the rest stays
    'Jos Muller'
    >>> strip_controls("Mario\tGünther")
    'Mario\tGünther'
    >>> strip_controls("Ada Love\u200clace"), strip_controls("\u3164"), strip_controls("Ada\u3164")
    ('Ada Lovelace', '', 'Ada')
    >>> strip_controls("می\u200cخواهم") == "می\u200cخواهم"  # a Persian joiner stays
    True
    """
    if s.isascii() and s.isprintable():
        return s
    s = (_ESCAPES.sub("", s) if "\x1b" in s else s).translate(_STRIP)
    return _STRAY_JOINER.sub("", s) if "\u200c" in s or "\u200d" in s else s


def strip_terminal(s: str) -> str:
    r"""``s`` safe to print on a terminal: escape sequences and control characters removed
    (tab, newline and carriage return stay); every other character is kept.

    Examples
    --------
    >>> strip_terminal("Title\x1b]0;pwned\x07 of \x1b[2Jthe\x9b31m paper\x07\n")
    'Title of the31m paper\n'
    """
    if s.isascii() and "\x1b" not in s and s.isprintable():
        return s
    return (_ESCAPES.sub("", s) if "\x1b" in s else s).translate(_TERMINAL)


def display_form(s: str) -> str:
    r"""Human display form: NFC, TeX decoded, controls stripped, whitespace collapsed.

    Diacritics and letter case are kept; tabs, newlines and no-break spaces become single
    spaces.

    Parameters
    ----------
    s : str
        A name or other short text as a source gave it.

    Returns
    -------
    str
        The cleaned text ("" for whitespace-only input).

    Examples
    --------
    >>> display_form("  Mario\u00a0G\u00fcnther\t ")
    'Mario Günther'
    >>> display_form(r"Rastislav \v{S}r\'amek")
    'Rastislav Šrámek'
    >>> display_form("Seán\nÓ hÉigeartaigh\x00")
    'Seán Ó hÉigeartaigh'
    """
    s = strip_controls(s)
    if _TEX.search(s):
        s = decode_tex(s)
        if _TEX.search(s):
            s = s.translate(_LEFTOVER).replace("---", "—").replace("--", "–")
            s = unicodedata.normalize("NFC", s)
    elif not s.isascii():
        s = unicodedata.normalize("NFC", s)
    return " ".join(s.split())


def fold(s: str) -> str:
    """Match-oriented form: display form, ASCII-folded, case-folded, punctuation dropped.

    Apostrophes vanish ("O'Brien" is "obrien"); hyphens, dots and other punctuation
    separate words ("Jean-Pierre" is "jean pierre"). Scripts that ``unidecode`` cannot
    transliterate fall back to the case-folded original, so the result is never empty
    when ``s`` has letters.

    Parameters
    ----------
    s : str
        Any text.

    Returns
    -------
    str
        Lower-case words separated by single spaces.

    Examples
    --------
    >>> fold("Jean-Pierre"), fold("Jean Pierre"), fold("O'Brien"), fold("Ó hÉigeartaigh")
    ('jean pierre', 'jean pierre', 'obrien', 'o heigeartaigh')
    >>> fold("GÜNTHER, Mario"), fold(r"J.R.R. Tolkien"), fold("Øbro")
    ('gunther mario', 'j r r tolkien', 'obro')
    """
    return _fold_clean(display_form(s))


def _has_letter(s: str) -> bool:
    if s.isascii():
        return _ASCII_LETTER.search(s) is not None
    return any(map(str.isalpha, s))


def _fold_clean(d: str) -> str:
    """``fold`` of a string that is already in display form."""
    a = d if d.isascii() else unidecode(d)
    k = " ".join(a.lower().translate(_FOLD_TABLE).split())
    if not k and not d.isascii() and _has_letter(d):
        k = " ".join(_NON_WORD.sub(" ", d.replace("'", "").replace("’", "")).casefold().split())
    return k


# -- parsed names -------------------------------------------------------------------------


class ParsedName(NamedTuple):
    """A name mention split into parts, with the keys used to match it.

    ``key`` is ``family_key|given_key``, plus ``#homonym`` for a dblp homonym number, with a
    suffix after the family key ("smith jr|john"); it is ``""`` when the name has no letters
    (callers treat that as a bad name). ``spell`` is the spelling key (``spelling_key``).
    Immutable; a named tuple, so that building, copying and sending one to another process
    (the ingest parses names in a second process) costs little.
    """

    original: str
    display: str
    given: str
    family: str
    suffix: str
    homonym: str | None
    key: str
    family_key: str
    given_key: str
    initials: str
    initials_only: bool
    #: the spelling key: equal for spellings that differ only in accents, case, punctuation,
    #: hyphens or spaces, or the order of the words of a full name (``spelling_key``)
    spell: str = ""


def name_key(name: str) -> str:
    """Match key of a name: ``parse_name(name).key``.

    Examples
    --------
    >>> name_key("Günther, Mario") == name_key("Mario Gunther") == "gunther|mario"
    True
    """
    return parse_name(name).key


def parse_name(
    name: str,
    *,
    family: str | None = None,
    given: str | None = None,
    suffix: str | None = None,
) -> ParsedName:
    r"""Split a name into given/family/suffix and compute its match keys.

    Understands "Given Family", "Family, Given", BibTeX "Family, Jr, Given", lower-case
    particles ("van", "de la"), Gaelic prefixes ("Ó", "Mac"), suffixes ("Jr.", "III", never
    in the key), dblp homonym numbers ("Wei Liu 0014"), all-caps "SURNAME, INITIALS"
    (Newman), glued "Initials.Surname" (Paperscape), TeX accents, and organisation names
    ("ATLAS Collaboration", "Barnes & Noble": all family, no given name). Never raises.

    Parameters
    ----------
    name : str
        The name exactly as the source gave it; kept as ``original``.
    family, given, suffix : str or None
        Structured parts when the source has them (arXiv ``authors_parsed``); used instead
        of splitting ``name`` when ``family`` or ``given`` is non-empty.

    Returns
    -------
    ParsedName

    Examples
    --------
    >>> p = parse_name("Seán Ó hÉigeartaigh")
    >>> p.family, p.given, p.key
    ('Ó hÉigeartaigh', 'Seán', 'o heigeartaigh|sean')
    >>> parse_name("Ó hÉigeartaigh, Seán").key
    'o heigeartaigh|sean'
    >>> p = parse_name("Wei Liu 0014")
    >>> p.display, p.homonym, p.key
    ('Wei Liu', '0014', 'liu|wei#0014')
    >>> [parse_name(n).key for n in ("P Vincent", "P. Vincent", "Vincent, P.", "Pascal Vincent")]
    ['vincent|p', 'vincent|p', 'vincent|p', 'vincent|pascal']
    >>> p = parse_name("AALSETH, CE")
    >>> p.display, p.given_key, p.initials, p.initials_only
    ('C E Aalseth', 'c e', 'ce', True)
    >>> p = parse_name("G.K.Savvidy")
    >>> p.given, p.family, p.key
    ('G. K.', 'Savvidy', 'savvidy|g k')
    >>> p = parse_name("Smith, Jr., John")
    >>> p.display, p.suffix, p.key
    ('John Smith Jr.', 'Jr.', 'smith jr|john')
    >>> p = parse_name("", family=r"Bal\'azs", given="C.")
    >>> p.display, p.key, p.initials_only
    ('C. Balázs', 'balazs|c', True)
    """
    homonym = None
    if family or given:
        fam = _tidy_hyphens(display_form(family or ""))
        giv = _tidy_hyphens(display_form(given or ""))
        suf = display_form(suffix or "")
        upper = fam.isupper() and (giv.isupper() or not giv)
        parts = _from_parts(fam, giv, suf, upper) if (fam or giv) else None
        s = ""
        homonym = _homonym(name)
    else:
        parts = None
    if parts is None:
        s = display_form(name)
        homonym = _homonym(s)
        if homonym is not None:
            s = s[:-5].rstrip()
        parts = _split(s)
    giv_d, fam_d, suf_d = parts
    if "-" in giv_d or "-" in fam_d:  # glued and structured parts may leave "É- Jr"
        giv_d, fam_d = _tidy_hyphens(giv_d), _tidy_hyphens(fam_d)
    family_key = _fold_clean(fam_d)
    given_key = _fold_clean(giv_d)
    words = given_key.split()
    initials = "".join(w[0] for w in words)
    key = ""
    if _has_letter(fam_d) or _has_letter(giv_d):
        # a suffix is part of the name: "John Smith Jr." is not "John Smith"
        suf_k = _fold_clean(suf_d) if suf_d else ""
        fk = f"{family_key} {suf_k}" if suf_k else family_key
        key = f"{fk}|{given_key}" if homonym is None else f"{fk}|{given_key}#{homonym}"
    display = _display(giv_d, fam_d, suf_d)
    return ParsedName(
        original=name,
        display=display,
        given=giv_d,
        family=fam_d,
        suffix=suf_d,
        homonym=homonym,
        key=key,
        family_key=family_key,
        given_key=given_key,
        initials=initials,
        # every word one letter: "j r r" is 2n-1 characters long
        initials_only=bool(words) and len(given_key) == 2 * len(words) - 1,
        spell=spell_of_key(key),
    )


#: names longer than this (letters) are not rotated for their spelling key (cost; no name is)
MAX_ROTATED = 80


@lru_cache(maxsize=1 << 16)
def spell_of_key(key: str) -> str:
    """The spelling key of a match key (``family|given[#homonym]``), for stores that keep keys.

    Examples
    --------
    >>> spell_of_key("wu|ze hao") == spell_of_key("zehao|wu") == parse_name("Wu Ze-Hao").spell
    True
    >>> spell_of_key("haas|f"), spell_of_key("")
    ('haas|f', '')
    """
    if not key:
        return ""
    family, _, rest = key.partition("|")
    given, _, homonym = rest.partition("#")
    words = given.split()
    return spelling_key(family, given, bool(words) and all(len(w) == 1 for w in words),
                        homonym or None)


def spelling_key(family_key: str, given_key: str, initials_only: bool, homonym: str | None) -> str:
    """The key under which spellings of one name are one: identical strings, and strings that
    differ only in accents, case, punctuation, hyphens or spaces, the order of the words of a
    full name, or an apostrophe in a particle (the folding already made those equal).

    A full name is read as a ring of letters: its words in order, written together, where a
    single letter (an initial) stays marked, so "Daniel A. Connors" is not "Daniela Connors";
    the key is the smallest rotation of the ring, so "Quoc Tuan Vu", "Vu Quoc Tuan" and "Vu
    QuocTuan" are one key, as are "Ze-Hao Wu", "Zehao Wu" and "Wu Zehao", and "Shabbiruddin" and
    "Shabbir Uddin". An initials-only name
    keeps its family name and its initials apart ("haas|f"): initials say less and are matched
    with evidence. A dblp homonym number is part of the key, and so is a suffix (the match key
    puts it after the family name: a "Jr." is another person).

    Examples
    --------
    >>> spelling_key("wu", "ze hao", False, None) == spelling_key("zehao", "wu", False, None)
    True
    >>> spelling_key("connors", "daniel a", False, None)
    '.a.connorsdaniel'
    >>> spelling_key("al bukhitan", "f", True, None), spelling_key("liu", "wei", False, "0001")
    ('albukhitan|f', 'eiliuw#0001')
    """
    if initials_only:
        out = f"{family_key.replace(' ', '')}|{given_key}"
    else:
        ring = "".join(w if len(w) > 1 else f".{w}." for w in f"{given_key} {family_key}".split())
        if len(ring) <= MAX_ROTATED:
            # the smallest rotation starts with the smallest letter: only those are compared
            first, twice, n = min(ring), ring + ring, len(ring)
            ring = min(twice[i : i + n] for i in range(n) if ring[i] == first)
        out = ring
    return out if homonym is None else f"{out}#{homonym}"


# -- helpers ------------------------------------------------------------------------------


def _homonym(name: str) -> str | None:
    """dblp's 4-digit homonym number at the end of ``name`` ("Wei Liu 0014")."""
    s = name.rstrip()
    if len(s) > 5 and s[-4:].isdigit() and s[-4:].isascii() and s[-5].isspace():
        rest = s[:-5].rstrip()
        if rest and not rest[-1].isdigit():
            return s[-4:]
    return None


def _tidy_hyphens(s: str) -> str:
    return _SPACED_HYPHEN.sub(r"\1", s) if " -" in s or "- " in s else s


def _is_suffix(token: str, strong_only: bool = False) -> bool:
    k = token.rstrip(".").lower()
    return k in _STRONG_SUFFIXES if strong_only else k in _SUFFIXES


def _suffix_display(token: str) -> str:
    return _SUFFIXES.get(token.rstrip(".").lower(), token)


def _title(token: str) -> str:
    """Title-case one upper-case word: "MCDONALD" -> "McDonald", "O'BRIEN" -> "O'Brien"."""
    t = token.title()
    if len(t) > 3 and t.startswith("Mc"):
        t = "Mc" + t[2:].capitalize()
    return t


def _title_family(tokens: list[str]) -> list[str]:
    """Title-case an all-caps family part; particles before the last word go lower case."""
    last = len(tokens) - 1
    return [t.lower() if i < last and (t.lower() in PARTICLES or (i and t.lower() in _CONJUNCTIONS))
            else _title(t) for i, t in enumerate(tokens)]  # fmt: skip


def _caps_initials(token: str) -> list[str]:
    """An all-caps given token: a cluster of initials ("CE" -> C E) or a word ("JOHN")."""
    if token.isalpha() and len(token) > 1 and (
        len(token) <= 3 or not any(v in token for v in "AEIOUY")
    ):
        return list(token)
    return [_title(token)]


def _tidy_initials(s: str) -> str:
    """Initials one per word: "G.K." -> "G. K."; "J.-P." stays."""
    return _DOT_INITIAL.sub(r"\1. ", s) if "." in s else s


def _from_parts(fam: str, giv: str, suf: str, upper: bool) -> tuple[str, str, str]:
    """(given, family, suffix) of "Family, Given[, Suffix]" parts or a source's parts."""
    ftoks = _tidy_initials(fam).split()
    gtoks = _tidy_initials(giv).split()
    if len(ftoks) > 1 and _is_suffix(ftoks[-1]) and not suf:  # "Hajic jr., Jan"
        suf = ftoks.pop()
    if len(gtoks) > 1 and _is_suffix(gtoks[-1]) and not suf:  # "Smith, John Jr"
        suf = gtoks.pop()
    # "F. Eastman, Lester": a middle initial written before the surname
    while len(ftoks) > 1 and len(ftoks[0]) == 2 and ftoks[0][1] == "." and ftoks[0][0].isalpha():
        gtoks.append(ftoks.pop(0))
    # "Fontcuberta I Morral": a capitalised conjunction between two family names
    ftoks = [t.lower() if 0 < i < len(ftoks) - 1 and t.lower() in _CONJUNCTIONS else t
             for i, t in enumerate(ftoks)]
    if ftoks:
        # "Beethoven, Ludwig van" -> "van Beethoven"
        while len(gtoks) > 1 and gtoks[-1] in PARTICLES:
            ftoks.insert(0, gtoks.pop())
    else:
        ftoks, gtoks = gtoks, []
    if upper and gtoks:
        ftoks = _title_family(ftoks)
        gtoks = [x for t in gtoks for x in _caps_initials(t)]
    return " ".join(gtoks), " ".join(ftoks), _suffix_display(suf) if suf else ""


def _keep_nickname(m: re.Match[str]) -> str:
    """A bracketed nickname stays part of the name; anything else in brackets goes: a last
    bracket of a "Given Family" name is an affiliation or a footnote ("Ann Lee (Utrecht)",
    "A. Greilich (1)"), but "Zhang, Yan (Michael)" ends with its given name."""
    if _NICKNAME.fullmatch(m.group()) is None:
        return " "
    last = not m.string[m.end():].strip()
    return m.group() if not last or "," in m.string[: m.start()] else " "


def _split(s: str) -> tuple[str, str, str]:
    """(given, family, suffix) of a name string in display form, homonym number removed."""
    if "(" in s or "[" in s:  # "A. Greilich (1)", "Ann Lee (Utrecht University)"
        # a bracketed nickname stays, as part of the name ("Yan (Michael) Zhang")
        s = " ".join(_BRACKETED.sub(_keep_nickname, s).split())
    if s.endswith((" et al", " et al.")):
        s = s[: s.rindex(" et al")]
    if s.startswith(("and ", "& ")):  # "A, B, and C" split on commas
        s = s[s.index(" ") + 1 :]
    if not s:
        return "", "", ""
    if "&" in s or " and " in s:  # "Barnes and Noble", "Skaarup & Jespersen, arkitekter"
        return "", s, ""
    s = _tidy_hyphens(s)
    if "," in s:
        parts = [p.strip() for p in s.split(",")]
        parts = [p for p in parts if p]
        upper = s.isupper()
        if len(parts) == 2:
            p0, p1 = parts
            if _is_suffix(p1) and not (upper and "." not in p1):
                if " " in p0:  # "Martin Luther King, Jr."
                    g, f, _ = _split_first_last(p0)
                    return g, f, _suffix_display(p1)
                return "", p0, _suffix_display(p1)  # "King, Jr.", "Gates, III"
            return _from_parts(p0, p1, "", upper)
        if len(parts) > 2:
            p0, p1, p2, rest = parts[0], parts[1], parts[2], parts[3:]
            if _is_suffix(p1) and not _is_suffix(p2):  # BibTeX "von Last, Jr, First"
                p1, p2 = p2, p1
            return _from_parts(p0, p1, " ".join([p2, *rest]), upper)
        if not parts:
            return "", "", ""
        s = parts[0]
    return _split_first_last(s)


def _split_first_last(s: str) -> tuple[str, str, str]:
    """(given, family, suffix) of "Given [von] Family [Suffix]" or "Initials.Surname"."""
    if _CORPORATE.search(s):
        return "", s, ""
    tokens = s.split()
    first = tokens[0]
    if "." in first and first[-1] != ".":
        m = _GLUED_INITIALS.match(first)
        if m is not None:
            return _glued(m.group(), first[m.end() :], tokens[1:], s.isupper())
        words = [w for w in first.split(".") if w]
        if len(words) > 1 and all(w.isalpha() for w in words):
            # "Kenzo.Ishikawa", "Caleb.A.Scharf": dots between whole words
            heads = [w + "." if len(w) < 3 else w for w in words[:-1]]
            return _split_first_last(" ".join([*heads, words[-1], *tokens[1:]]))
    if "." in s:  # "J.R.R. Tolkien": one initial per token before choosing the family
        tokens = _tidy_initials(s).split()
    last = tokens[-1]
    if len(tokens) > 1 and "." in last[:-1]:  # "Leo P.Comerford": initials glued to the surname
        m = _GLUED_LAST.match(last)
        if m is not None:
            tokens[-1:] = [m.group(), last[m.end() :]]
    suffix = ""
    n = len(tokens)
    if n > 1 and _is_suffix(tokens[-1], strong_only=n == 2):
        suffix = _suffix_display(tokens.pop())
        n -= 1
    if n == 1:
        return "", tokens[0], suffix
    trailing = _trailing_initials(tokens, s.isupper())
    if trailing:
        # "Mangalraj P.", "Hareesha K. S.", "Aditya MVS": a family name followed by its
        # initials (a South Indian order), not a one-letter family name
        fam = tokens[: n - trailing]
        if s.isupper():
            fam = _title_family(fam)
        inits = [x for t in tokens[n - trailing :] for x in _initial_letters(t)]
        return " ".join(inits), " ".join(fam), suffix
    if s.isupper():
        tokens = [tokens[0].title(), *_title_family(tokens[1:])]
    start = _family_start(tokens, not s.islower())
    return " ".join(tokens[:start]), " ".join(tokens[start:]), suffix


_INITIAL = re.compile(r"[^\W\d_]\.?")
# an upper-case cluster of initials without a vowel ("MVS", "KS"; not "LI", "MA")
_CLUSTER = re.compile(r"[B-DF-HJ-NP-TV-Z]{2,3}")


def _initial_letters(token: str) -> list[str]:
    """The initials of a trailing initials token: "P." -> ["P."], "MVS" -> ["M", "V", "S"]."""
    return list(token) if _CLUSTER.fullmatch(token) else [token]


def _trailing_initials(tokens: list[str], upper: bool) -> int:
    """How many tokens at the end of "Given Family" tokens are initials that follow a family
    name of one word ("Sandhya T. P.", "Gokul CJ"); 0 unless every token after the first is
    one; a vowel-less capital cluster counts only in a mixed-case name ("WEI LI" is a name)."""
    n = 0
    for t in reversed(tokens):
        if _INITIAL.fullmatch(t) or (not upper and _CLUSTER.fullmatch(t)):
            n += 1
        else:
            break
    if n != len(tokens) - 1:
        return 0  # "Mahesh Kumar K.": a given name and a family initial, read as it comes
    lead = tokens[0]
    if len(lead) < 2 or "." in lead or "-" in lead or lead in PARTICLES:
        return 0  # "Seng-Pan U": a hyphenated given name and a one-letter family name
    return n


def _family_start(tokens: list[str], cased: bool) -> int:
    """Index of the first family token in "Given [von] Family" order."""
    n = len(tokens)
    if tokens[0] in PARTICLES:  # "van Beethoven", "de la Cruz": no given name
        return 0
    start = n - 1
    for i in range(1, n - 1):
        t = tokens[i]
        if t in PARTICLES or t in _GAELIC or (cased and t[0].islower()):
            start = i
            break
    if start >= 2:
        before, here = tokens[start - 1], tokens[start]
        # "Sean O hEigeartaigh": an unaccented Gaelic prefix before a mutated lower-case word
        # "Juan De la Cruz": a capitalised particle leading a lower-case one
        if here[0].islower() and (
            before in _GAELIC_PLAIN or (here in PARTICLES and before.lower() in PARTICLES)
        ):
            start -= 1
        elif here in _CONJUNCTIONS and start + 1 < n:
            start -= 1  # "José Ortega y Gasset": "Ortega y Gasset" is the family name
    return start


def _glued(initials: str, surname: str, rest: list[str], upper: bool) -> tuple[str, str, str]:
    """Paperscape "G.K.Savvidy", "J.de.Boer", "A.Van.Proeyen", "R.Singleton Jr"."""
    gtoks = _DOT_LETTER.sub(". ", initials).split()
    # "A.Di.Giacomo": a capitalised two-letter particle belongs to the surname
    if len(gtoks) > 1 and len(gtoks[-1]) == 3 and gtoks[-1][:-1].lower() in PARTICLES:
        surname = gtoks.pop() + surname
    if "." not in surname:  # "J.de Boer", "S.James Gates Jr.": read as "Given Family"
        return _split_first_last(" ".join([*gtoks, surname, *rest]))
    # dots join the surname's words: "A.Van.Proeyen" is "Van Proeyen"
    ftoks = [*surname.replace(".", " ").split(), *rest]
    suffix = ""
    if len(ftoks) > 1 and _is_suffix(ftoks[-1]):
        suffix = _suffix_display(ftoks.pop())
    if upper:
        ftoks = _title_family(ftoks)
    return " ".join(gtoks), " ".join(ftoks), suffix


def _display(giv: str, fam: str, suf: str) -> str:
    """Display as "Given Family Suffix", always: a multi-word family name stays whole in the
    parts ("Héctor Martínez Alonso" has family "Martínez Alonso"), even where the display
    alone would read back another way."""
    return " ".join(p for p in (giv, fam, suf) if p)
