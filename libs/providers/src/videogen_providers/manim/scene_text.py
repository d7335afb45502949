"""What a scene shows, read from its outline and implementation text: a title, a subtitle,
a few short points, labels, numbers, and the template (visual) that fits its words.

Any text works: the offline plan's (which names its template), a model's, or a client's.
Choices that the text leaves open come from a seed of the text, so the same scene always
gets the same code.
"""

from __future__ import annotations

import random
import re

import msgspec
from videogen_text.stopwords import STOPWORDS

from videogen_providers.llm.prose import seeded, topic_phrases

TEMPLATES: tuple[str, ...] = (
    "title card", "bullet reveal", "labelled diagram", "function graph", "number line",
    "formula", "bar chart", "table", "shape transform",
)
# Words that call for each template, strongest first; the first template with the most
# hits wins, ties going to the scene's place in a rotation so neighbours differ.
_CUES: dict[str, tuple[str, ...]] = {
    "title card": ("introduction", "intro", "welcome", "overview", "opening", "what is"),
    "bullet reveal": ("summary", "recap", "conclusion", "takeaway", "key points", "review"),
    "labelled diagram": (
        "process", "flow", "pipeline", "steps", "system", "network", "connect", "cycle",
        "diagram", "parts", "works",
    ),
    "function graph": (
        "graph", "function", "curve", "slope", "derivative", "rate", "loss", "gradient",
        "plot", "wave", "growth",
    ),
    "number line": ("number line", "count", "range", "integer", "negative", "distance", "scale"),
    "formula": ("formula", "equation", "law", "theorem", "calculate", "math", "identity"),
    "bar chart": (
        "compare", "comparison", "numbers", "percent", "data", "statistics", "versus", "chart",
        "bar",
    ),
    "table": ("table", "types", "properties", "features", "categories", "kinds"),
    "shape transform": ("transform", "change", "become", "convert", "evolve", "turn into"),
}
_ROTATION = (
    "title card", "labelled diagram", "function graph", "bar chart", "formula",
    "shape transform", "number line", "table", "bullet reveal",
)
_LINE = re.compile(r"^\s*(?:Scene\s+)?(Title|Purpose|Description|Layout|Template)\s*:\s*(.+)$",
                   re.IGNORECASE | re.MULTILINE)
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]+")
_NUMBER = re.compile(r"(?<![\w.])(\d{1,4})(?![\w.])")
_TAG = re.compile(r"</?[A-Z_0-9]+>|\[[A-Z_]+\]|[*`#]")
# "A, B and C": the parts a diagram, chart or table shows.
_LIST = re.compile(r"\b([A-Z][\w-]*(?: [A-Z][\w-]*)?), ([A-Z][\w-]*(?: [A-Z][\w-]*)?),? and "
                   r"([A-Z][\w-]*(?: [A-Z][\w-]*)?)")
MAX_POINT_CHARS = 70


class SceneText(msgspec.Struct, frozen=True, kw_only=True):
    scene_number: int
    template: str
    title: str
    subtitle: str
    points: list[str]
    labels: list[str]
    numbers: list[int]
    words: list[str]
    seed: int


def read_scene(topic: str, scene_number: int, *texts: str) -> SceneText:
    fields = _fields(texts)
    subject = subject_of(topic)
    title = _short(fields.get("title") or _capital(subject), 40)
    body = " ".join(fields.get(k, "") for k in ("purpose", "description", "layout"))
    everything = " ".join((title, body, *texts)).lower()
    words = _keywords(f"{title} {body} {topic}")
    rng = seeded("manim-scene", topic, scene_number, title, body)
    return SceneText(
        scene_number=scene_number,
        template=_template(fields.get("template", ""), everything, scene_number),
        title=title,
        subtitle=_short(fields.get("purpose") or _capital(subject), MAX_POINT_CHARS),
        points=_points(fields.get("description", ""), words, subject),
        labels=_labels(body, words, rng),
        numbers=_numbers(body, rng),
        words=words,
        seed=rng.randrange(1 << 30),
    )


# "Explain machine learning basics" is about machine learning basics.
_ASKING = re.compile(
    r"^(?:please\s+)?(?:explain|describe|introduce|teach|show|visuali[sz]e|illustrate)"
    r"(?:\s+(?:me|us))?\s+(?:how\s+)?",
    re.IGNORECASE,
)


def subject_of(topic: str) -> str:
    """The topic as a noun phrase for the scenes' text."""
    stripped = _ASKING.sub("", " ".join(topic.split()))
    return topic_phrases(stripped or topic)[0]


def _fields(texts: tuple[str, ...]) -> dict[str, str]:
    """The first value of each label over the texts (the outline before the plans)."""
    fields: dict[str, str] = {}
    for text in texts:
        for label, value in _LINE.findall(_TAG.sub("", text)):
            fields.setdefault(label.lower(), " ".join(value.split()))
    return fields


def _template(named: str, text: str, scene_number: int) -> str:
    if named.strip().lower() in TEMPLATES:
        return named.strip().lower()
    # A template named in the text (a layout saying "a bar chart") outweighs any cue.
    hits = {
        name: sum(cue in text for cue in cues) + 3 * (name in text) for name, cues in _CUES.items()
    }
    best = max(hits.values())
    start = (scene_number - 1) % len(_ROTATION)
    order = _ROTATION[start:] + _ROTATION[:start]
    if best == 0:
        return order[0]
    return next(name for name in order if hits[name] == best)


def _keywords(text: str) -> list[str]:
    seen: list[str] = []
    for word in _WORD.findall(text):
        lower = word.lower()
        if lower not in STOPWORDS and len(lower) > 2 and lower not in seen:
            seen.append(lower)
    return seen or ["idea"]


def _points(description: str, words: list[str], subject: str) -> list[str]:
    parts = [p.strip(" .") for p in re.split(r"[.;:!?]\s+|,\s+(?:and|then)\s+", description)]
    points = [_short(_capital(p), MAX_POINT_CHARS) for p in parts if len(p.split()) >= 2]
    if len(points) < 2:
        points += [f"What {subject} means", f"Why {subject} matters", "One example"]
    return points[:4]


def _labels(body: str, words: list[str], rng: random.Random) -> list[str]:
    listed = _LIST.search(body)
    if listed is not None:
        return [_short(part, 18) for part in listed.groups()]
    chosen = [w.title() for w in words[:3]]
    fillers = ["Input", "Model", "Result", "Feedback"]
    rng.shuffle(fillers)
    return (chosen + [f for f in fillers if f not in chosen])[:3]


def _numbers(text: str, rng: random.Random) -> list[int]:
    found = [int(n) for n in _NUMBER.findall(text)]
    if len(found) >= 2:
        return found[:5]
    return [rng.randint(2, 9) for _ in range(4)]


def _short(text: str, limit: int) -> str:
    text = " ".join(_TAG.sub("", text).split())
    if len(text) <= limit:
        return text
    return text[: limit - 3].rsplit(" ", 1)[0] + "..."


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
