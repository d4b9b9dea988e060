"""Text page reader: the five seed pages, hand-written pages of the same shapes, line rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from graphsvc.model import Record, Skipped
from graphsvc.sources import detect_format, textpage

DATA = Path(__file__).parent / "data"
SEEDS = DATA / "seeds"
PAGES = DATA / "textpages"


def read(path: Path) -> list[Record | Skipped]:
    return list(textpage.read(path))


def records(items: list[Record | Skipped]) -> list[Record]:
    return [i for i in items if isinstance(i, Record)]


def skips(items: list[Record | Skipped], reason: str) -> list[Skipped]:
    return [i for i in items if isinstance(i, Skipped) and i.reason == reason]


def names(rec: Record) -> list[str]:
    return [a.name for a in rec.authors]


def summary(items: list[Record | Skipped]) -> list[tuple[str | None, list[str]]]:
    return [(r.title, names(r)) for r in records(items)]


# -- the seed pages --------------------------------------------------------------------------


def test_seed_004_one_author_per_line() -> None:
    items = read(SEEDS / "004_3f13293f3bb4fd6f.txt")
    got = summary(items)
    assert [t for t, _ in got] == [
        "Stochastic positional embeddings improve masked image modeling",
        "Stop Regressing: Training Value Functions via Classification for Scalable Deep RL",
        "A Tale of Tails: Model Collapse as a Change of Scaling Laws",
        "The Pitfalls and Promise of Conformal Inference Under Adversarial Attacks",
        "Think Before You Act: Decision Transformers with Working Memory",
        "Unsupervised Concept Discovery Mitigates Spurious Correlations",
        "When is Transfer Learning Possible?",
        "Prospective Messaging: Learning in Networks with Communication Delays",
    ]
    assert got[0][1] == [
        "Amir Bar", "Assaf Shocher", "Mahmoud Assran", "P Vincent", "Trevor Darrell",
        "Amir Globerson",
    ]
    assert got[3][1] == [
        "Ziquan Liu", "Yufei Cui", "Yan Yan", "Yi Xu", "Xiangyang Ji", "Xue Liu", "Antoni B. Chan"
    ]
    assert got[6][1] == [
        "My Phan", "Kianté Brantley", "Stephanie Milani", "Gokul Swamy", "Geoff Gordon"
    ]
    assert [len(a) for _, a in got] == [6, 8, 5, 7, 5, 3, 5, 3]
    recs = records(items)
    assert [r.source_ref for r in recs][:3] == [
        "004_3f13293f3bb4fd6f.txt:3", "004_3f13293f3bb4fd6f.txt:10", "004_3f13293f3bb4fd6f.txt:20"
    ]
    assert all(r.source == "text" for r in recs)
    # the four papers listed without authors are reported, one skip each
    no_authors = skips(items, "no-authors")
    assert [s.source_ref for s in no_authors] == [
        "004_3f13293f3bb4fd6f.txt:43", "004_3f13293f3bb4fd6f.txt:45",
        "004_3f13293f3bb4fd6f.txt:58", "004_3f13293f3bb4fd6f.txt:60",
    ]
    assert no_authors[0].detail.startswith("'Do Transformer World Models")
    assert len(items) == 12


def test_seed_003_comma_separated_author_lines() -> None:
    items = read(SEEDS / "003_1cbe3ef842774bc6.txt")
    recs = records(items)
    assert [len(r.authors) for r in recs] == [38, 10]
    assert [r.title for r in recs] == [None, None]  # the page shows no titles
    assert [r.source_ref for r in recs] == [
        "003_1cbe3ef842774bc6.txt:11", "003_1cbe3ef842774bc6.txt:25"
    ]
    first = names(recs[0])
    assert first[:3] == ["Usman Anwar", "Abulhair Saparov", "Javier Rando"]
    assert "Seán Ó hÉigeartaigh" in first and "He He" in first and "Mario Günther" in first
    assert first[-1] == "David Krueger"
    assert names(recs[1])[-1] == "Stuart Russell"
    # eight abstracts have no author line
    assert len(skips(items, "no-authors")) == 8
    assert len(items) == 10


@pytest.mark.parametrize(
    "name", ["000_3baa7126b5b431dc.txt", "001_fbebddb98a358dac.txt", "002_6d5ffabf9b0d2b3e.txt"]
)
def test_seeds_without_author_lists(name: str) -> None:
    assert read(SEEDS / name) == [
        Skipped(f"{name}:0", "no-author-lists", "no author lists found on this page")
    ]


# -- hand-written pages ----------------------------------------------------------------------


def test_lab_page_navigation_diacritics_particles_single_author() -> None:
    items = read(PAGES / "lab-publications-en.txt")
    got = summary(items)
    assert got == [
        ("Attention Is All You Need", [
            "Ashish Vaswani", "Noam Shazeer", "Niki Parmar", "Jakob Uszkoreit", "Llion Jones",
            "Aidan N. Gomez", "Łukasz Kaiser", "Illia Polosukhin",
        ]),
        # a title that looks like a name, after the previous paper's keyword line
        ("Random Forests", ["Leo Breiman"]),
        ("Entity Resolution at Scale: A Study", [
            "María José García-López", "Jean-Paul de la Tour", "Rafael van der Meer",
            "Seán Ó Briain", "Nguyễn Thị Minh Khai", "J. R. Smith Jr.",
        ]),
        ("Single Author Theory of Everything Else", ["Grace Hopper"]),
    ]
    assert [r.year for r in records(items)] == [2017, None, 2022, 2019]
    [skip] = skips(items, "no-authors")
    assert skip.source_ref == "lab-publications-en.txt:40"
    assert "A Paper Without Listed Authors" in skip.detail


def test_listing_with_author_lines_tags_et_al_and_pubmed_names() -> None:
    items = read(PAGES / "listing-author-lines.txt")
    assert summary(items) == [
        ("Deep Residual Learning for Image Recognition",
         ["Kaiming He", "Xiangyu Zhang", "Shaoqing Ren", "Jian Sun"]),
        ("Language Models are Few-Shot Learners",
         ["Tom B. Brown", "Benjamin Mann", "Nick Ryder", "Melanie Subbiah", "Jared Kaplan"]),
        ("Generative Adversarial Nets",
         ["Goodfellow IJ", "Pouget-Abadie J", "Mirza M", "Xu B", "Warde-Farley D", "Ozair S",
          "Courville A", "Bengio Y"]),
        ("Mastering the Game of Go without Human Knowledge", ["David Silver"]),
    ]
    # keyword lines and a thank-you sentence full of names are not author lists
    [skip] = skips(items, "no-authors")
    assert "Matrix Factorization Techniques" in skip.detail


def test_page_in_german() -> None:
    items = read(PAGES / "veroeffentlichungen-de.txt")
    assert summary(items) == [
        ("Lange Kurzzeitgedächtnis-Netze für die Sprachverarbeitung",
         ["Sepp Hochreiter", "Jürgen Schmidhuber"]),
        ("Statistische Lerntheorie im Überblick", ["Ulrike von Luxburg", "Bernhard Schölkopf"]),
        ("Kausale Inferenz ohne Experimente", ["Dominik Janzing"]),
    ]
    assert records(items)[1].year == 2011
    [skip] = skips(items, "no-authors")
    assert skip.source_ref == "veroeffentlichungen-de.txt:23"


def test_blank_line_spaced_listing_with_wrapped_abstract() -> None:
    items = read(PAGES / "spaced-listing.txt")
    assert summary(items) == [
        ("Pointer Networks", ["Oriol Vinyals", "Meire Fortunato", "Navdeep Jaitly"]),
        ("Convolutional Networks for Images, Speech, and Time Series",
         ["Yann LeCun", "Yoshua Bengio"]),
        ("Sequence to Sequence Learning with Neural Networks",
         ["Ilya Sutskever", "Oriol Vinyals", "Quoc V. Le"]),
        ("Hierarchical Softmax Revisited",
         ["Conor O'Brien", "Marc'Aurelio Ranzato", "Robert L. Mercer III"]),
    ]
    assert records(items)[1].year == 2019
    assert not skips(items, "no-authors")


def test_staff_list_and_news_are_not_papers() -> None:
    assert read(PAGES / "team-and-news.txt") == [
        Skipped("team-and-news.txt:0", "no-author-lists", "no author lists found on this page")
    ]


def test_small_windows_give_the_same_records(monkeypatch: pytest.MonkeyPatch) -> None:
    for page in (SEEDS / "004_3f13293f3bb4fd6f.txt", PAGES / "lab-publications-en.txt"):
        whole = read(page)
        monkeypatch.setattr(textpage, "WINDOW_LINES", 3)
        assert read(page) == whole  # windows end at blank lines and after abstracts
        monkeypatch.undo()


# -- line rules -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["Amir Bar", "P Vincent", "Antoni B. Chan", "Seán Ó hÉigeartaigh", "Jose Hernandez-Orallo",
     "Md Rifat Arefin", "He He", "My Phan", "Yi Xu", "Kianté Brantley", "Quoc V. Le",
     "Ulrike von Luxburg", "J. R. Smith Jr.", "Vincent, P.", "Gödel, Kurt",
     "Marc'Aurelio Ranzato", "Nguyễn Thị Minh Khai", "Deep Ganguli"],
)
def test_looks_like_name(text: str) -> None:
    assert textpage.looks_like_name(text)


@pytest.mark.parametrize(
    "text",
    ["Pointer Networks", "Setting cookies", "Multimedia Player", "Lecteur Multimédia",
     "Demonstration-Regularized RL", "Mar 14", "Read more", "Publications", "Subscribe",
     "Our Team", "Privacy Policy", "Attention Is All You Need", "Speaker: Maria Rossi",
     "JOHN SMITH", "Wei Liu 2019", "We thank you", "Essential cookies"],
)
def test_does_not_look_like_name(text: str) -> None:
    assert not textpage.looks_like_name(text)


def test_split_author_list() -> None:
    assert textpage.split_author_list("Ann Lee; Bo Chen; Carl Dorr") == [
        "Ann Lee", "Bo Chen", "Carl Dorr"
    ]
    assert textpage.split_author_list("Jane Doe1,2, John Smith*, Li Wei†") == [
        "Jane Doe", "John Smith", "Li Wei"
    ]
    assert textpage.split_author_list("Machine Learning, Deep Learning, Neural Networks") is None
    assert textpage.split_author_list("We thank Alice Martin, Bruno Costa and Chen Wei.") is None
    assert textpage.split_author_list("Paris, London, Berlin") is None


def test_sniff_is_the_lowest_score() -> None:
    assert textpage.sniff("Publications\nSome Title\nJane Doe\n", "page.txt") == 1
    assert textpage.sniff("", "empty.txt") == 0


# -- citation-style publication lists (one paper per line) --------------------------------------
CITATION_PAGES = {
    # file: [(authors, title, year)] in page order
    "cv-plain-numbered.txt": [
        (["Jan Vitek", "R. Nigel Horspool", "Andreas Krall"], "Efficient Type Inclusion Tests",
         1997),
        (["Jeffrey Dean", "Sanjay Ghemawat"],
         "MapReduce: Simplified Data Processing on Large Clusters", 2004),
        (["Maurice Herlihy", "J. Eliot B. Moss"],
         "Transactional Memory: Architectural Support for Lock-Free Data Structures", 1993),
        (["Leslie Lamport"],
         "Time, Clocks, and the Ordering of Events in a Distributed System", 1978),
        (["C. Colombo", "D. Spirkoska", "M. Frimmer", "G. Abstreiter",
          "A. Fontcuberta i Morral"],
         "Ga-assisted catalyst-free growth mechanism of GaAs nanowires by molecular beam "
         "epitaxy", 2008),
        (["Dan Alistarh", "Justin Kopinsky", "Jerry Li"],
         "The SprayList: A Scalable Relaxed Priority Queue", 2015),
    ],
    "lab-acm-style.txt": [
        (["Maciej Besta", "Torsten Hoefler"],
         "Slim Fly: A Cost Effective Low-Diameter Network Topology", 2014),
        (["Torsten Hoefler", "Roberto Belli"],
         "Scientific Benchmarking of Parallel Computing Systems: Twelve Ways to Tell the "
         "Masses When Reporting Performance Results", 2015),
        (["Dan Alistarh", "Justin Kopinsky", "Jerry Li", "Nir Shavit"],
         "The SprayList: A Scalable Relaxed Priority Queue", 2015),
    ],
    "references-ieee.txt": [
        (["J. Dean", "S. Ghemawat"], "MapReduce: Simplified data processing on large clusters",
         2004),
        (["D. J. Watts", "S. H. Strogatz"], "Collective dynamics of ‘small-world’ networks",
         1998),
        (["M. Herlihy", "J. E. B. Moss"],
         "Transactional memory: Architectural support for lock-free data structures", 1993),
        (["J. Leskovec", "J. Kleinberg", "C. Faloutsos"],
         "Graph evolution: Densification and shrinking diameters", 2007),
    ],
    "publications-apa.txt": [
        (["Albert, R.", "Barabási, A.-L."], "Statistical mechanics of complex networks", 2002),
        (["Newman, M. E. J."], "The structure of scientific collaboration networks", 2001),
        (["Leskovec, J.", "Kleinberg, J.", "Faloutsos, C."],
         "Graph evolution: Densification and shrinking diameters", 2007),
        (["Hagberg, A. A.", "Schult, D. A.", "Swart, P. J."],
         "Exploring network structure, dynamics, and function using NetworkX", 2008),
    ],
    # title / author line(s) / venue line: the year comes from the venue line
    "title-authors-venue.txt": [
        (["M. E. J. Newman"], "The structure of scientific collaboration networks", 2001),
        (["Réka Albert", "Albert-László Barabási"], "Statistical mechanics of complex networks",
         2002),
        (["Duncan J. Watts", "Steven H. Strogatz"],
         "Collective dynamics of 'small-world' networks", 1998),
        (["Dan Alistarh", "Justin Kopinsky", "Jerry Li", "Nir Shavit"],
         "The SprayList: A Scalable Relaxed Priority Queue", 2015),
    ],
}


@pytest.mark.parametrize("page", sorted(CITATION_PAGES))
def test_citation_style_pages_give_authors_title_and_year(page: str) -> None:
    path = DATA / "textpages" / page
    assert detect_format(path) == "text"
    items = list(textpage.read(path))
    assert not [i for i in items if isinstance(i, Skipped)]
    got = [([a.name for a in r.authors], r.title, r.year)
           for r in items if isinstance(r, Record)]
    assert got == CITATION_PAGES[page]


def test_citation_venues_and_prose_with_names() -> None:
    from graphsvc.sources.citation import parse_citation

    c = parse_citation("2. Jeffrey Dean and Sanjay Ghemawat. MapReduce: Simplified Data "
                       "Processing on Large Clusters. OSDI 2004.")
    assert c is not None and c.venue == "OSDI 2004"
    c = parse_citation("[2] D. J. Watts and S. H. Strogatz, “Collective dynamics of "
                       "‘small-world’ networks,” Nature, vol. 393, pp. 440–442, 1998.")
    assert c is not None and c.venue == "Nature, vol. 393, pp. 440–442, 1998"
    for prose in (
        "We thank Jan Vitek and Marc Snir. Their comments improved the paper in 2019.",
        "Marc Snir. Professor since 2009.",
        "Jan Vitek, Marc Snir. Teaching. Compilers.",
    ):
        assert parse_citation(prose) is None, prose
