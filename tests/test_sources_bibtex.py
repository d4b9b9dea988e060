"""BibTeX / BibLaTeX reader: real samples (tests/data/bibtex) and hand-written edge cases."""

from __future__ import annotations

import gzip
from collections import Counter
from pathlib import Path

import pytest

from graphsvc.model import Record, Skipped
from graphsvc.sources import bibtex

DATA = Path(__file__).parent / "data" / "bibtex"
SHARED = Path(__file__).parents[2] / "shared" / "data" / "bibtex"


def read(*paths: Path) -> list[Record | Skipped]:
    return list(bibtex.read_many(list(paths)))


def records(items: list[Record | Skipped]) -> dict[str, Record]:
    return {i.source_ref: i for i in items if isinstance(i, Record)}


def skips(items: list[Record | Skipped]) -> dict[str, Skipped]:
    return {i.source_ref: i for i in items if isinstance(i, Skipped)}


def names(rec: Record) -> list[str]:
    return [a.name for a in rec.authors]


def write(tmp_path: Path, text: str, name: str = "t.bib") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# -- hand-written edge cases ---------------------------------------------------------------


@pytest.fixture(scope="module")
def edge() -> list[Record | Skipped]:
    return read(DATA / "edge-cases.bib")


def test_edge_cases_every_entry_accounted_for(edge: list[Record | Skipped]) -> None:
    assert [i.source_ref for i in edge] == [
        "edge-cases.bib#concat",
        "edge-cases.bib#broken-missing-close",  # the warning: its title is lost
        "edge-cases.bib#broken-missing-close",  # the entry, kept without its title
        "edge-cases.bib#after-broken",
        "edge-cases.bib#conf99",
        "edge-cases.bib#child-before-parent",  # held back until its parent was read
        "edge-cases.bib#edited-volume",
        "edge-cases.bib#paren-entry",
        "edge-cases.bib#DBLP:conf/ppopp/Example16",
        "edge-cases.bib#extra-close",  # the warning
        "edge-cases.bib#extra-close",  # the entry, all its fields
        "edge-cases.bib:78",
        "edge-cases.bib#missing-comma",
        "edge-cases.bib#syntax-bad",  # the warning: its title is lost
        "edge-cases.bib#syntax-bad",
        "edge-cases.bib:96",  # a key used twice: the second entry is named by its line
        "edge-cases.bib#last-one",
    ]
    assert all(r.source == "bibtex" for r in records(edge).values())


def test_string_macros_concatenation_and_months(edge: list[Record | Skipped]) -> None:
    rec = records(edge)["edge-cases.bib#concat"]
    assert rec.venue == "ACM Transactions on Computer Systems"
    assert rec.year == 1978
    assert names(rec) == ["Lamport, Leslie"]


def test_unbalanced_braces_resync_at_next_entry(edge: list[Record | Skipped]) -> None:
    skip = skips(edge)["edge-cases.bib#broken-missing-close"]
    assert skip.reason == "damaged-field"
    assert skip.detail == ("entry on line 23 is not closed before the next entry; "
                           "the entry is kept, field(s) title lost")
    kept = records(edge)["edge-cases.bib#broken-missing-close"]  # only the damaged title lost
    assert (names(kept), kept.title, kept.year) == (["Smith, Alan"], None, 2001)
    # the entry right after the broken one is read normally
    rec = records(edge)["edge-cases.bib#after-broken"]
    assert rec.title == 'The "Quoted" Word and Braces'


def test_extra_closing_brace_is_reported_not_truncated(edge: list[Record | Skipped]) -> None:
    skip = skips(edge)["edge-cases.bib#extra-close"]
    assert skip.reason == "damaged-field"
    assert skip.detail.startswith("an extra '}' ends the entry on line 72")
    kept = records(edge)["edge-cases.bib#extra-close"]  # the fields after the brace too
    assert (names(kept), kept.title, kept.year) == (["Early, Ending"], "One Brace Too Many", 2010)


@pytest.mark.parametrize(
    "publisher",
    ["{Springer, Berlin", "{Springer}}, Berlin", "{Spr{inger", '"Springer'],
    ids=["missing-close", "extra-close", "nested-open", "open-quote"],
)
def test_damage_outside_the_authors_loses_only_that_field(tmp_path: Path, publisher: str) -> None:
    path = write(tmp_path, (
        "@book{damaged,\n  author = {Newman, Mark and Barab{\\'a}si, Albert-L{\\'a}szl{\\'o}},\n"
        f"  publisher = {publisher},\n"
        "  title = {The Structure and Dynamics of Networks},\n  year = {2006},\n}\n"
        "@misc{next, author = {Doe, Jane}, title = {Next}, year = 2007}\n"
    ))
    items = read(path)
    [warn] = [i for i in items if isinstance(i, Skipped)]
    assert (warn.source_ref, warn.reason) == ("t.bib#damaged", "damaged-field")
    recs = records(items)
    kept = recs["t.bib#damaged"]
    assert names(kept) == ["Newman, Mark", "Barab{\\'a}si, Albert-L{\\'a}szl{\\'o}"]
    assert (kept.title, kept.year) == ("The Structure and Dynamics of Networks", 2006)
    assert recs["t.bib#next"].title == "Next"  # reading goes on


def test_damaged_author_field_still_loses_the_entry(tmp_path: Path) -> None:
    path = write(tmp_path, "@book{a,\n  author = {Newman, Mark and {Barab,\n  year = 2006,\n}\n")
    [item] = read(path)
    assert isinstance(item, Skipped) and item.reason == "unbalanced-braces"


def test_biblatex_fields_doi_and_arxiv(edge: list[Record | Skipped]) -> None:
    rec = records(edge)["edge-cases.bib#after-broken"]
    assert names(rec) == ["van der Berg, Jr, Piet", "O'Neil, Kathy"]  # upper-case AND splits
    assert rec.year == 2019  # from date = 2019-05-01
    assert rec.venue == "Journal of Über Things"  # journaltitle, TeX decoded
    assert rec.doi == "10.1000/abc.123"
    assert rec.ids == {"arxiv": "1905.00001"}


def test_crossref_parent_defined_later(edge: list[Record | Skipped]) -> None:
    rec = records(edge)["edge-cases.bib#child-before-parent"]
    assert rec.title == "A GPU Story"
    assert rec.year == 1999  # inherited
    assert rec.venue == "Proceedings of the 9th Conference on Things"  # parent title → booktitle
    # 'and others' dropped, corporate author kept whole and raw, editors not inherited
    assert names(rec) == ["Doe, Jane", "{Barnes and Noble, Inc.}", "Müller, Jörg"]


def test_editors_are_not_authors(edge: list[Record | Skipped]) -> None:
    s = skips(edge)
    assert s["edge-cases.bib#conf99"].reason == "no-authors"
    assert s["edge-cases.bib#edited-volume"].reason == "no-authors"
    assert "editors" in s["edge-cases.bib#edited-volume"].detail


def test_paren_entry_and_non_numeric_year(edge: list[Record | Skipped]) -> None:
    rec = records(edge)["edge-cases.bib#paren-entry"]
    assert rec.title == "Parentheses (round ones) inside"
    assert names(rec) == ["Paren, Pat (the one)"]
    assert rec.year is None  # "in press": the record is kept


def test_dblp_key_and_comment_line_inside_entry(edge: list[Record | Skipped]) -> None:
    rec = records(edge)["edge-cases.bib#DBLP:conf/ppopp/Example16"]
    assert rec.ids == {"dblp": "conf/ppopp/Example16"}
    assert names(rec) == ["Alice Example", "Bob Sample"]
    assert rec.venue == "PPoPP"


def test_commented_out_entry_is_not_read(edge: list[Record | Skipped]) -> None:
    assert not any(r.title == "Never Read" for r in records(edge).values())


def test_missing_key_missing_comma_and_syntax_error(edge: list[Record | Skipped]) -> None:
    assert records(edge)["edge-cases.bib:78"].title == "An Entry Without a Key"
    assert records(edge)["edge-cases.bib#missing-comma"].year == 2013
    bad = skips(edge)["edge-cases.bib#syntax-bad"]  # junk after the title: the title lost
    assert bad.reason == "damaged-field"
    assert bad.detail == ("unexpected text after field 'title': 'junk,'; "
                          "the entry is kept, field(s) title lost")
    kept = records(edge)["edge-cases.bib#syntax-bad"]
    assert (names(kept), kept.title, kept.year) == (["Bad, Bert"], None, 2014)
    assert records(edge)["edge-cases.bib#last-one"].title == "Still Read After All That"


# -- small inline cases ----------------------------------------------------------------------


def test_split_authors_brace_aware() -> None:
    assert bibtex.split_authors("A, B and {C and D} and E F") == ["A, B", "{C and D}", "E F"]
    assert bibtex.split_authors("Smith, J. AND\n  Jones, K. and others") == [
        "Smith, J.", "Jones, K."
    ]
    assert bibtex.split_authors("Rand, Ayn and Anderson, Sandy") == ["Rand, Ayn", "Anderson, Sandy"]
    assert bibtex.split_authors("others") == []


def test_only_others_is_no_authors(tmp_path: Path) -> None:
    path = write(tmp_path, "@misc{k, author = {others}, title = {T}}\n")
    [item] = read(path)
    assert isinstance(item, Skipped) and item.reason == "no-authors"


def test_unclosed_last_entry_reported(tmp_path: Path) -> None:
    path = write(tmp_path, "@misc{a, author = {A, B}, title = {One}}\n@misc{b, author = {C, D\n")
    items = read(path)
    assert [type(i).__name__ for i in items] == ["Record", "Skipped"]
    assert items[1].source_ref == "t.bib:2" and items[1].reason == "unbalanced-braces"


def test_entries_across_block_boundaries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bibtex, "BLOCK_CHARS", 50)  # far smaller than one entry
    entries = [
        f"@article{{k{i},\n  author = {{Au{i}, A. and Bu{i}, B.}},\n  title = {{T{i}}},\n}}\n"
        for i in range(200)
    ]
    entries[100] = "@article{broken,\n  title = {never closed,\n\n"
    entries[150] = "@string{m = {Macro}}\n@article\n{k150, author = {X, Y}, title = m}\n"
    entries[180] = "@article{, author = {No, Key}, title = {Line number}}\n"
    path = write(tmp_path, "".join(entries))
    items = read(path)
    assert len(items) == 200
    assert items[100] == Skipped(
        "t.bib:401", "unbalanced-braces",
        "broken: entry on line 401 is not closed before the next entry",
    )
    assert items[180].source_ref == f"t.bib:{400 + 3 + 49 * 4 + 3 + 29 * 4 + 1}"
    recs = records(items)
    assert recs["t.bib#k199"].title == "T199"
    assert names(recs["t.bib#k199"]) == ["Au199, A.", "Bu199, B."]
    assert recs["t.bib#k150"].title == "Macro"  # header split over two lines


def test_encodings_gzip_bom_crlf_latin1_utf16(tmp_path: Path) -> None:
    entry = "@article{k,\r\n  author = {Gödel, Kurt},\r\n  title = {Über formal}\r\n}\r\n"
    gz = tmp_path / "g.bib.gz"
    gz.write_bytes(gzip.compress(("\ufeff" + entry).encode("utf-8")))
    latin = tmp_path / "l.bib"
    latin.write_bytes(entry.encode("latin-1"))
    utf16 = tmp_path / "u.bib"
    utf16.write_bytes(entry.encode("utf-16"))
    for path in (gz, latin, utf16):
        [rec] = read(path)
        assert isinstance(rec, Record)
        assert names(rec) == ["Gödel, Kurt"] and rec.title == "Über formal"
        assert rec.source_ref == f"{path.name}#k"


def test_tex_in_titles() -> None:
    assert bibtex.clean_text(r"Sch{\"o}dinger's {\'E}quation \& {Cu$_2$O}") == (
        "Schödinger's Équation & Cu2O"
    )
    assert bibtex.clean_text(r"{\v{S}}koda -- na\"{\i}ve~approach") == "Škoda – naïve approach"


def test_doi_variants(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "@article{a, author={A, B}, doi={doi:10.1002/(SICI)1097\\_X}}\n"
        "@article{b, author={A, B}, doi={http://dx.doi.org/10.1234/X 10.5678/Y}}\n"
        "@article{c, author={A, B}, doi={n/a}}\n",
    )
    got = {r.source_ref: r.doi for r in records(read(path)).values()}
    assert got == {"t.bib#a": "10.1002/(sici)1097_x", "t.bib#b": "10.1234/x", "t.bib#c": None}


def test_sniff() -> None:
    assert bibtex.sniff("@inproceedings{x,\n title={T}}", "refs.txt") > 50
    assert bibtex.sniff("  @Article (x, title = {T})", "x") > 50
    assert bibtex.sniff("", "refs.bib") > 50
    assert bibtex.sniff("id,name\n1,someone@example.org\n", "people.csv") == 0
    assert bibtex.sniff("Publications\nA Title\nJane Doe\n", "page.txt") == 0


# -- real samples ----------------------------------------------------------------------------


def test_zbb_physics_library_sample() -> None:
    items = read(DATA / "zbb-issue1436-2-sample.bib")
    recs = records(items)
    assert len(items) == 27 and not skips(items)
    ref = "zbb-issue1436-2-sample.bib#"
    ajay = recs[ref + "Ajay_2016"]
    assert ajay.title == "Ge Doping of GaN beyond the Mott Transition"
    assert names(ajay)[:3] == ["Ajay, A", 'Sch{\\"o}rmann, J', "{Jim{\\'e}nez-Rodriguez}, M"]
    assert len(ajay.authors) == 12
    assert ajay.doi == "10.1088/0022-3727/49/44/445301"
    assert ajay.venue == "J. Phys. D: Appl. Phys." and ajay.year == 2016
    assert names(recs[ref + "Abou-Ras_2019"]) == ["{Abou-Ras}, Daniel", "Kirchartz, Thomas"]
    # a capitalised "And" separates authors too (BibTeX is case-insensitive)
    assert names(recs[ref + "Rashba_spss_1962"]) == ["Rashba, E. I.", "Gurgenishvili, G. E."]
    assert recs[ref + "Corfdir_prb_2014"].ids == {"arxiv": "1408.5263"}
    assert recs[ref + "Belabbes_dpg_2012"].title is None
    # the same key twice in the file: two different papers, two distinct refs
    jacobsson = [r for r in recs.values() if r.authors[0].name == "Jacobsson, Daniel"]
    assert len(jacobsson) == 2 and len({r.source_ref for r in jacobsson}) == 2
    assert recs[ref + "Keller_2014"].title.startswith(
        "Recent Progress in Metal-Organic Chemical Vapor Deposition of (000$"
    )


def test_zbb_biblatex_sample() -> None:
    items = read(DATA / "zbb-bulk-sample.bib")
    recs, skipped = records(items), skips(items)
    ref = "zbb-bulk-sample.bib#"
    assert len(items) == 23
    oldrup = recs[ref + "Oldrup2009CityRural"]
    assert oldrup.year == 2009 and oldrup.venue == "Housing, Theory and Society"
    assert oldrup.title == (
        "Between the City and the Rural: Negotiating Place and Identity in a Danish Suburban "
        "Housing Area"
    )
    assert names(recs[ref + "FredensborgKommuneUSSERODA"]) == [
        "{Fredensborg Kommune}", "{NIRAS A/S}"
    ]
    assert skipped[ref + "Kvorning2012BaeredygtigeForstaeder"].reason == "no-authors"
    assert skipped[ref + "LeGates2011CityReader"].reason == "no-authors"
    assert skipped[ref + "Nielsen2001ModNye"].detail == "editors only; editors are not authors"
    assert skipped[ref + "KobenhavnskSkybrud"].detail == "no author field"
    law = recs[ref + "Law1992LifeDeath"]
    assert names(law) == ["Law, John", "Callon, Michel"]  # editors Bijker and Law not added
    assert Counter(type(i).__name__ for i in items) == {"Record": 16, "Skipped": 7}


def test_zbb_jabref_sample() -> None:
    items = read(DATA / "zbb-jabref-sample.bib")
    recs = records(items)
    ref = "zbb-jabref-sample.bib#"
    assert len(items) == 20
    assert names(recs[ref + "Madelung_1998_LB_10681727_56"]) == ["Madelung, O."]  # 'and others'
    assert recs[ref + "Madelung_1998_LB_10681727_56"].title == (
        "Cuprous oxide (Cu2O) crystal structure, lattice parameters"
    )
    assert recs[ref + "Madelung_1998_LB_10681727_56"].venue == "Landolt-Börnstein"
    assert recs[ref + "Noguet_1969_PhDthesis"].title is None
    abu = recs[ref + "Abu-Zeid_1986"]
    assert names(abu) == [
        "Abu-Zeid, M. E.", "Rakhshani, A. E.", "Al-Jassar, A. A.", "Youssef, Y. A."
    ]
    assert abu.doi == "10.1002/pssa.2210930226" and abu.year == 1986


def test_acl_sample() -> None:
    items = read(DATA / "acl-sample.bib")
    recs, skipped = records(items), skips(items)
    ref = "acl-sample.bib#"
    assert len(items) == 13
    assert names(recs[ref + "gowda-may-2020-finding"]) == ["Gowda, Thamme", "May, Jonathan"]
    assert recs[ref + "gowda-may-2020-finding"].doi == "10.18653/v1/2020.findings-emnlp.352"
    sudre = recs[ref + "sudre-etal-2017-diceoverlap"]
    assert sudre.ids == {"arxiv": "1707.03237", "dblp": "journals/corr/SudreLVOC17"}
    assert len(sudre.authors) == 5 and sudre.authors[3].name == "S{\\'{e}}bastien Ourselin"
    salesky = recs[ref + "DBLP:journals/corr/abs-1810-08641"]
    assert salesky.ids == {"arxiv": "1810.08641", "dblp": "journals/corr/abs-1810-08641"}
    assert len(recs[ref + "zaharia2016spark"].authors) == 10  # 'and others' dropped
    assert len(recs[ref + "tensorflow2015-whitepaper"].authors) == 40
    assert recs[ref + "tensorflow2015-whitepaper"].authors[0].name == "Mart\\'{\\i}n~Abadi"
    assert names(recs[ref + "gardent2017webNLG-corpus"])[-1] == "Perez-Beltrachini, Laura"
    assert skipped[ref + "clssts-2020"].reason == "no-authors"
    assert sum(1 for i in items if isinstance(i, Skipped)) == 2  # clssts-2020 is there twice


def test_systems_sample_crossref_and_strings_across_files() -> None:
    d = DATA / "systems"
    items = read(d / "papers.bib", d / "defs.bib", d / "strings.bib")
    recs = records(items)
    assert len(items) == 11 + 7
    attig = recs["papers.bib#attig:fpgapktparse"]
    assert attig.title == "400 Gb/s Programmable Packet Parsing on a Single FPGA"
    assert attig.year == 2011
    assert attig.venue == (
        "7th ACM/IEEE Symposium on Architectures for Networking and Communications Systems"
    )
    farm = recs["papers.bib#dragojevic:farm"]
    assert farm.venue == "11th USENIX Symposium on Networked Systems Design and Implementation"
    assert farm.title == "FaRM: Fast Remote Memory"
    assert names(farm)[0] == "Dragojevi\\'{c}, Aleksandar"
    # the source's strings.bib defines s-acmtocs twice; the later definition wins, and
    # its @article{cacm} parent points at it (a quirk of that bibliography, kept as is)
    assert recs["papers.bib#dean:tail_atscale"].venue == "ACM Transactions on Computer Systems"
    assert recs["papers.bib#dean:tail_atscale"].year == 2013
    # @article{acmtnet} uses the undefined macro s-acmtnet: no venue
    assert recs["papers.bib#floyd:red"].venue is None
    # crossref to a parent that is nowhere: the record is kept without inherited fields
    assert recs["papers.bib#desikan:simerrors"].year is None
    sk = skips(items)
    assert sk["papers.bib#software:grpc"].detail == "no author field"
    assert sum(1 for s in sk.values() if s.source_ref.startswith("defs.bib#")) == 7


def test_systems_sample_file_order_does_not_matter() -> None:
    d = DATA / "systems"
    a = read(d / "papers.bib", d / "defs.bib", d / "strings.bib")
    b = read(d / "strings.bib", d / "defs.bib", d / "papers.bib")
    key = repr
    assert sorted(map(key, a)) == sorted(map(key, b))


def test_large_inputs_are_read_twice_with_the_same_result(monkeypatch: pytest.MonkeyPatch) -> None:
    d = DATA / "systems"
    paths = (d / "papers.bib", d / "defs.bib", d / "strings.bib")
    kept = read(*paths)
    monkeypatch.setattr(bibtex, "KEEP_CHARS", 100)  # too small to keep: second pass re-reads
    assert read(*paths) == kept


def test_systems_papers_alone_has_no_parents() -> None:
    recs = records(list(bibtex.read(DATA / "systems" / "papers.bib")))
    attig = recs["papers.bib#attig:fpgapktparse"]
    assert attig.year is None and attig.venue is None
    assert attig.title == "400 Gb/s Programmable Packet Parsing on a Single FPGA"


# -- the full shared files -------------------------------------------------------------------

#: (paths, entries, author mentions with "and others" dropped, distinct raw names)
FULL = {
    "zbb-issue1436-2": (["zbb-issue1436-2.bib.gz"], 1053, 6309, 4038),
    "zbb-bulk": (["zbb-bulk-performance-test.bib.gz"], 1241, 1421, 829),
    "zbb-jabref": (["zbb-issue97-jabref.bib.gz"], 911, 2784, 1823),
    "acl": (["acl-anthology-subset-thammegowda.bib"], 233, 1191, 863),
    "systems": (
        [f"systems-freakypenguin/{n}" for n in ("papers.bib", "defs.bib", "strings.bib")],
        333 + 249, 1715, 1405,
    ),
}


@pytest.mark.large
@pytest.mark.parametrize("name", sorted(FULL))
def test_full_shared_files(name: str) -> None:
    files, entries, mentions, distinct = FULL[name]
    paths = [SHARED / f for f in files]
    if not all(p.exists() for p in paths):
        pytest.skip(f"shared data not found at {SHARED}")
    items = read(*paths)
    recs = [i for i in items if isinstance(i, Record)]
    assert len(items) == entries
    assert sum(len(r.authors) for r in recs) == mentions
    assert len({a.name for r in recs for a in r.authors}) == distinct
    assert not [i for i in items if isinstance(i, Skipped) and i.reason != "no-authors"]
