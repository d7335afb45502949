"""The icons of the installed Font Awesome Free wheel (`fontawesomefree`), read from its metadata.

Font Awesome Free's icons are CC BY 4.0 (credit: "Icons by Font Awesome, fontawesome.com").
The wheel ships every SVG and, in its npm package's metadata, each icon's label, search terms,
former names and categories. A few terms are corrected here where they mislead a picture
chooser (Font Awesome's terms serve a search box, not a storyteller).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import msgspec

from videogen_media.icon_types import Icon

# Interface chrome (arrows, text formatting, playback buttons): nothing a sentence is about.
_UI_CATEGORIES = frozenset({
    "alphabet", "arrows", "editing", "media-playback", "numbers", "punctuation-symbols",
    "spinners", "text-formatting", "toggle",
})
_UI_KEPT = frozenset({"arrow-trend-up", "arrow-trend-down"})

# Terms that pull the wrong picture: "history" is medical history on these icons, "investment"
# is not a tree. Search terms added where an icon is the set's best picture of something.
_DROP_TERMS: dict[str, frozenset[str]] = {
    "book-medical": frozenset({"history"}), "file-medical": frozenset({"history"}),
    "file-waveform": frozenset({"history"}), "laptop-medical": frozenset({"history"}),
    "notes-medical": frozenset({"history"}), "tree": frozenset({"investment", "fall", "seasonal"}),
    "seedling": frozenset({"investment"}), "crow": frozenset({"bullfrog", "toad"}),
    "feather": frozenset({"light"}), "feather-pointed": frozenset({"light"}),
    "circle-half-stroke": frozenset({"light"}), "wind": frozenset({"fall", "seasonal"}),
    "wheat-awn": frozenset({"fall"}), "football": frozenset({"fall", "seasonal"}),
    "robot": frozenset({"face"}), "rocket": frozenset({"app"}), "fish": frozenset({"gold"}),
    "coins": frozenset({"premium"}), "hippo": frozenset({"hungry"}),
    "republican": frozenset({"elephant"}), "democrat": frozenset({"donkey"}),
    "ice-cream": frozenset({"frozen"}), "dice": frozenset({"die"}), "dice-d6": frozenset({"die"}),
    "person-hiking": frozenset({"autumn", "fall"}), "braille": frozenset({"raised"}),
    "ankh": frozenset({"copper"}), "bug": frozenset({"report"}),
    "plane-up": frozenset({"wireless", "internet"}), "flag": frozenset({"waving"}),
    "cat": frozenset({"halloween", "holiday"}), "otter": frozenset({"playful"}),
    "star": frozenset({"important", "quality", "favorite", "vip"}),
    "heart": frozenset({
        "black", "white", "yellow", "blue", "green", "orange", "purple", "brown", "evil", "wicked",
        "game", "card", "ace",
    }),
}
# Marketing and currency-symbol terms: "seasonal" is a sale, "currency" on forty -sign icons
# would picture money as the Paraguayan guarani.
_DROP_EVERYWHERE = frozenset({"seasonal", "premium", "vip"})
_COMMON_SIGNS = frozenset({"dollar-sign", "euro-sign", "sterling-sign", "yen-sign", "bitcoin-sign"})
_SIGN_GENERIC = frozenset({"currency", "money", "cash", "exchange", "price"})
_EXTRA_TERMS: dict[str, tuple[str, ...]] = {
    "spa": ("flower", "lotus", "blossom", "yoga", "meditation"),
    "bug": ("bee", "ant", "beetle", "fly"), "jar": ("honey",),
    "scroll": ("history", "ancient", "manuscript"),
    "landmark": ("history", "ancient", "government"),
    "monument": ("history",), "hourglass": ("century", "history", "time"),
    "tree": ("wood", "woods", "jungle", "rainforest"), "earth-americas": ("world", "planet"),
    "star": ("sky", "astronomy", "galaxy", "universe"), "moon": ("space", "astronomy"),
    "fire-burner": ("cooking",), "kitchen-set": ("cooking", "cookware"),
    "utensils": ("meal", "lunch"), "futbol": ("soccer", "football", "goal"),
    "trophy": ("sport", "champion", "victory"), "building-columns": ("bank", "finance"),
    "piggy-bank": ("savings",), "chart-line": ("economy", "market", "stock", "growth"),
    "heart-pulse": ("heartbeat", "pulse", "cardio"), "virus": ("disease", "infection", "germ"),
    "dna": ("biology",), "microscope": ("biology", "research", "cell"),
    "apple-whole": ("apple", "fruit", "healthy"), "lightbulb": ("idea", "invention", "innovation"),
    "water": ("river", "stream"), "person-swimming": ("swim",), "dragon": ("serpent", "snake"),
}

_METADATA = "static/fontawesomefree/js-packages/@fortawesome/fontawesome-free/metadata"
_SVGS = "static/fontawesomefree/svgs"
_STYLE_ORDER = ("solid", "regular", "brands")  # solid reads best small; brands only if alone


class _Search(msgspec.Struct, frozen=True):
    terms: tuple[str, ...] = ()


class _Aliases(msgspec.Struct, frozen=True):
    names: tuple[str, ...] = ()


class _FamilyStyle(msgspec.Struct, frozen=True):
    family: str
    style: str


class _Family(msgspec.Struct, frozen=True, rename="camel"):
    label: str
    search: _Search = _Search()
    aliases: _Aliases = _Aliases()
    family_styles_by_license: dict[str, tuple[_FamilyStyle, ...]] = {}


class _Package(msgspec.Struct, frozen=True):
    version: str


def font_awesome_version(root: Path) -> str:
    """The Font Awesome release the wheel ships ("6.6.0"), from its npm package.json."""
    package = root / _METADATA / ".." / "package.json"
    try:
        return msgspec.json.decode(package.read_bytes(), type=_Package).version
    except (FileNotFoundError, msgspec.DecodeError):
        return "unknown"


def credit_line(version: str) -> str:
    """The attribution CC BY 4.0 asks for, for a video's credits or report."""
    return f"Icons: Font Awesome Free {version} by Fonticons, Inc. (fontawesome.com), CC BY 4.0"


class IconSetMissing(RuntimeError):
    """The Font Awesome Free wheel is not installed (or not where its metadata says)."""


def font_awesome_root() -> Path:
    """The installed `fontawesomefree` package's directory."""
    spec = importlib.util.find_spec("fontawesomefree")
    if spec is None or not spec.submodule_search_locations:
        raise IconSetMissing("the fontawesomefree package is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def load_icons(root: Path) -> list[Icon]:
    """Every free icon under `root` (the fontawesomefree package), by id; UI chrome left out."""
    metadata = root / _METADATA
    try:
        families = msgspec.json.decode(
            (metadata / "icon-families.json").read_bytes(), type=dict[str, _Family]
        )
        categories = parse_categories((metadata / "categories.yml").read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise IconSetMissing(f"Font Awesome metadata missing: {exc.filename}") from exc
    icons: list[Icon] = []
    for icon_id in sorted(families):
        family = families[icon_id]
        free = family.family_styles_by_license.get("free", ())
        styles = {fs.style for fs in free if fs.family == "classic"}
        style = next((s for s in _STYLE_ORDER if s in styles), None)
        cats = categories.get(icon_id, ())
        if style is None or (cats and set(cats) <= _UI_CATEGORIES and icon_id not in _UI_KEPT):
            continue
        icons.append(Icon(
            id=icon_id, label=family.label, terms=_terms(icon_id, family), categories=cats,
            svg=root / _SVGS / style / f"{icon_id}.svg",
        ))
    return icons


def _terms(icon_id: str, family: _Family) -> tuple[str, ...]:
    dropped = _DROP_TERMS.get(icon_id, frozenset()) | _DROP_EVERYWHERE
    if icon_id.endswith("-sign") and icon_id not in _COMMON_SIGNS:
        dropped |= _SIGN_GENERIC
    terms = {t.lower() for t in family.search.terms}
    terms.update(a.replace("-", " ") for a in family.aliases.names)
    terms.update(_EXTRA_TERMS.get(icon_id, ()))
    return tuple(sorted(t for t in terms if t and t not in dropped))


def parse_categories(text: str) -> dict[str, tuple[str, ...]]:
    """icon id → category ids, from Font Awesome's categories.yml (a fixed, two-level layout)."""
    # The file is plain generated YAML: `<category>:` / `  icons:` / `    - <icon>` / `  label: ..`;
    # reading those lines avoids a YAML dependency for one file.
    by_icon: dict[str, list[str]] = {}
    category = ""
    for line in text.splitlines():
        if line and not line[0].isspace() and line.endswith(":"):
            category = line[:-1].strip()
        elif line.startswith("    - ") and category:
            icon_id = line[6:].strip().strip("'\"")
            by_icon.setdefault(icon_id, []).append(category)
    return {icon_id: tuple(sorted(cats)) for icon_id, cats in by_icon.items()}
