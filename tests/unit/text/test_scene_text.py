"""Scene analysis: which layout a sentence gets, its headline, figure, quote and items."""

from __future__ import annotations

from pathlib import Path

import pytest
from videogen_text.figures import find_figure
from videogen_text.scene_text import analyse
from videogen_text.segmentation import split_sentences

PARAGRAPH = (Path(__file__).parents[2] / "bench" / "text2video_paragraph.txt").read_text()


def test_the_first_sentence_is_a_title_of_its_key_phrase() -> None:
    scene = analyse("Honeybees dance to tell each other where the flowers are.", first=True)
    assert scene.layout == "title"
    assert scene.headline == "Honeybees dance"
    assert "honeybees" in scene.keywords
    assert "flowers" in scene.keywords


@pytest.mark.parametrize(
    ("text", "figure", "label"),
    [
        ("About 3 million bees live in the valley.", "3M", "bees"),
        ("The 20th century changed everything.", "20th", "century"),
        ("The keeper climbs one hundred and twelve steps.", "112", "steps"),
        ("It has guided ships for more than two hundred years.", "200+", "years"),
        ("A strong colony can hold 60,000 bees in summer.", "60,000", "bees"),
        ("The queen lays up to 2,000 eggs a day.", "2,000", "eggs a day"),
        ("Prices rose 45 percent.", "45%", None),
        ("It costs $5 billion a year.", "$5B", "a year"),
        ("Sailors could see it from twenty miles away.", "20", "miles"),
        ("In 1887, the lamp was replaced.", "1887", None),
    ],
)
def test_a_number_makes_a_stat_with_a_big_figure(text: str, figure: str, label: str | None) -> None:
    scene = analyse(text, first=False)
    assert scene.layout == "stat", scene
    assert (scene.figure, scene.figure_label) == (figure, label)
    assert scene.headline
    assert figure not in scene.headline


def test_small_number_words_are_not_stats() -> None:
    assert find_figure("One lays the eggs, the other does everything else.") is None
    assert analyse("Two bees met at the flower.", first=False).layout != "stat"


@pytest.mark.parametrize(
    ("text", "quote", "who"),
    [
        ("“The bee is more honoured than other animals,” wrote John Chrysostom.",
         "The bee is more honoured than other animals", "John Chrysostom"),
        ('As Einstein said, "Imagination is more important than knowledge."',
         "Imagination is more important than knowledge.", "Einstein"),
        ("«La vie est belle», dit-il.", "La vie est belle", "dit-il"),
    ],
)  # fmt: skip
def test_quotations_make_a_quote_card(text: str, quote: str, who: str) -> None:
    scene = analyse(text, first=False)
    assert scene.layout == "quote"
    assert scene.quote == quote
    assert scene.attribution == who


@pytest.mark.parametrize(
    ("text", "sides"),
    [
        ("Queen versus worker: one lays the eggs, the other does everything else.",
         ("Queen", "Worker")),
        ("Solar vs. wind power is the question.", ("Solar", "Wind power")),
        ("Workers and drones share the hive.", ("Workers", "Drones")),
        ("The choice between tea and coffee is personal.", ("Tea", "Coffee")),
    ],
)  # fmt: skip
def test_two_things_make_a_comparison(text: str, sides: tuple[str, str]) -> None:
    scene = analyse(text, first=False)
    assert scene.layout == "compare"
    assert scene.items == sides
    assert scene.headline


@pytest.mark.parametrize(
    ("text", "items"),
    [
        ("Foragers gather nectar, pollen, water and resin for the hive.",
         ("Nectar", "Pollen", "Water", "Resin")),
        ("You need flour, sugar, and butter.", ("Flour", "Sugar", "Butter")),
        ("Pick red, green or blue.", ("Red", "Green", "Blue")),
    ],
)  # fmt: skip
def test_enumerations_make_a_list(text: str, items: tuple[str, ...]) -> None:
    scene = analyse(text, first=False)
    assert scene.layout == "list"
    assert scene.items == items


@pytest.mark.parametrize(
    "text",
    [
        "In the early days, the flame burned whale oil, and the smoke blackened the glass.",
        "Yet the keeper still climbed the stairs each night, checking the lens and listening.",
        "Today the light is automatic, and the keeper's cottage has become a small museum.",
        "Visitors climb the same worn steps and look out over the water.",
    ],
)
def test_clauses_joined_by_and_are_neither_lists_nor_comparisons(text: str) -> None:
    assert analyse(text, first=False).layout == "icon"


def test_a_sentence_of_function_words_is_typographic() -> None:
    scene = analyse("It is what it is.", first=False)
    assert scene.layout == "type"
    assert scene.headline


def test_headlines_are_key_phrases_never_whole_sentences() -> None:
    sentences = split_sentences(PARAGRAPH)
    assert len(sentences) == 12
    for index, sentence in enumerate(sentences):
        scene = analyse(sentence, first=index == 0)
        words = scene.headline.split()
        assert 1 <= len(words) <= 5, scene
        assert len(scene.headline) < len(sentence) * 0.6, scene
        assert scene.headline[0].isupper()
    assert analyse(sentences[6], first=False).headline == "The keeper climbed the stairs"
    assert analyse(sentences[2], first=False).headline == "The flame burned whale oil"


def test_other_scripts_and_emoji_do_not_crash() -> None:
    japanese = analyse("東京は日本の首都です。", first=False)
    assert japanese.headline == "東京は日本の首都"
    arabic = analyse("القاهرة هي عاصمة مصر وأكبر مدنها.", first=False)
    assert arabic.headline
    assert "." not in arabic.headline
    hebrew = analyse("ירושלים היא עיר עתיקה מאוד.", first=True)
    assert hebrew.layout == "title"
    emoji = analyse("🐝🌻", first=False)
    assert emoji.keywords[:2] == ("honeybee", "sunflower")
    assert emoji.headline == "Honeybee sunflower"


def test_analysis_is_deterministic() -> None:
    for sentence in split_sentences(PARAGRAPH):
        assert analyse(sentence, first=False) == analyse(sentence, first=False)
