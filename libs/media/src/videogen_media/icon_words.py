"""Word lists for icon matching: what a sentence's word, or an icon name's word, is worth.

Font Awesome names and terms serve a search box; these lists keep a storyteller's sentence
from picking interface symbols ("crossed" is not a crucifix, "divides" is not ÷).
"""

from __future__ import annotations

import re

from videogen_text.keywords import stem
from videogen_text.stopwords import STOPWORDS

# A narrator's asides about the video itself: "In this video" is not about a video camera,
# "see you next time" not about a clock.
META = re.compile(
    r"\b(?:in|on|of|for) (?:this|today's|our|the next|the last) (?:video|episode|lesson|"
    r"tutorial|guide|clip|series|course|channel)\b|\bthanks?(?: you)? (?:so much )?for "
    r"watching\b|\bwelcome(?: back)? to\b|\bsee you (?:next time|soon|later)\b|"
    r"\b(?:like and )?subscribe\b|\blet's (?:start|begin|get started|dive in)\b",
    re.IGNORECASE,
)

# Name words that mark a variant of the picture (crossed out, with a badge, a part of it):
# "plant-wilt" is a poorer picture of a plant than "seedling" is.
VARIANT = frozenset("""
    slash xmark circle check exclamation minus plus arrow arrows lock wilt crack burst question
    up down left right from to with on and half quarter empty simple alt dots line lines square
    flag signal pointer turn rotate through open closed folder file sign wave
""".split())  # noqa: SIM905

# Icons of a person doing or being something: "person-swimming" is the picture of swimming, as
# "user-astronaut" is of an astronaut. Not those where the second word is a badge.
PEOPLE = frozenset({"person", "user", "users", "people"})
NOT_PEOPLE = frozenset({
    "gear", "pen", "tag", "clock", "shield", "group", "large", "tie", "secret", "line", "rays",
    "between", "rectangle", "viewfinder", "booth", "carry", "roof", "arrows", "robbery", "pulling",
})

# Words that picture nothing, or only a misleading symbol: colours, sizes, directions,
# numbers and generic verbs. Content words, but never matched.
VAGUE = frozenset("""
    black white yellow blue green red orange purple brown pink gray grey colour color big small
    large little huge tiny high low long short new old young good bad great best better worse
    worst left right top bottom back front end ends ending start way part kind lot number called
    known use used using take took taken come came go goes went gone give gave given find found
    show shown keep kept look put set turn point line open close hand full free real true whole
    able around across half simple important different main major minor common early late lead
    leads led help helps per people nearly almost today modern popular famous heavy dark quiet
    loud fast slow quick one two three four five six seven eight nine ten eleven twelve twenty
    hundred thousand million billion dozen die dies died dying send sent sending rate rates
    behind beyond along inside outside near past ago apart away together ground hard row
    fresh thanks thank welcome basics formation less fewer
""".split())  # noqa: SIM905

# Verbs whose icon pictures a noun or a symbol. These words, and -ed and -ly forms, are
# pictured only through their synonyms (if the table has any): "sailed" → sailboat.
VERB_FORMS = frozenset("""
    add adds adding build builds built cross crosses crossing burst bursts bursting carry
    carries carrying change changes changing connect connects connecting control controls
    controlling damage damages damaging divide divides dividing fill fills filling flow flows
    flowing hold holds holding mix mixes mixing need needs pass passes passing play plays press
    presses pull pulls pulling reach reaches shows showing sink sinks spread spreads contain
    contains include includes remain remains provide provides want wants try tries call calls
    move moves moving live lives living land lands bring brings break breaks cut cuts makes
    bear bears stores check checks protect protects roll rolls rolling
""".split())  # noqa: SIM905

# Times of day and spans of time: pictured (a clock, a calendar) but rarely what a sentence is
# about, so they rank below its topic words ("five years in prison": handcuffs first).
TIMEISH = frozenset("""
    year years day days hour hours minute minutes second seconds week weeks month months
    morning evening time times decade decades century centuries tonight today yesterday
""".split())  # noqa: SIM905
TIMEISH_WEIGHT = 0.9

# Function words of other Latin-script languages (French, Spanish, Italian, Portuguese, German,
# Dutch). Matching is English: a sentence with more of these than English stopwords gets no
# icons, rather than icons for its accidental English look-alikes ("visitent" is not a tent).
FOREIGN = frozenset("""
    le la les des une du au aux et est sont avec pour dans sur qui que ne pas nous vous ils
    el los las del una y es son con para por en que lo al muy pero como
    il lo gli della delle dei che di da con per nel sul sono una uno ed
    os um uma dos das não com pelo pela são
    der die das und ist sind mit für von zu den dem ein eine nicht auch auf im
    de het een en van zijn niet met voor op
""".split())  # noqa: SIM905
_TOKEN = re.compile(r"[^\W\d_]+")


def foreign(text: str) -> bool:
    """More function words of another Latin-script language than of English, at least two."""
    tokens = _TOKEN.findall(text.lower())
    others = sum(t in FOREIGN and t not in STOPWORDS for t in tokens)
    english = sum(t in STOPWORDS for t in tokens)
    return others >= 2 and others > english


# Words ending in -ed that are not past tenses.
ED_NOUNS = frozenset("""
    bed seed speed shed red hundred sled weed feed breed steed reed shred sacred naked wicked
""".split())  # noqa: SIM905

# Brand names that are ordinary words: the word means the thing, not the company's logo.
COMMON_BRANDS = frozenset("""
    amazon apple bots brave buffer delicious dev edge ember empire fly glide hips hive ideal java
    less line medium meta mix mixer node opera pushed python react rebel rev rust safari sketch
    slack steam stripe supple swift threads uncharted unity vine windows yarn chrome pix gulp
    sass grunt sith
""".split())  # noqa: SIM905


_VAGUE_STEMS = frozenset(stem(word) for word in VAGUE)


def vague(word: str) -> bool:
    """A word that pictures nothing, in any inflection ("millions", "showing")."""
    return word in VAGUE or stem(word) in _VAGUE_STEMS


def verbish(word: str) -> bool:
    """A verb form or an adverb: "crossed", "divides", "quickly" (by list and by suffix)."""
    if word in VERB_FORMS:
        return True
    if word.endswith("ed") and len(word) >= 5 and word not in ED_NOUNS:
        return True
    # -ly adverbs ("quickly", "safely"), but not the nouns that end so (butterfly, family, jelly,
    # supply, assembly, anomaly, monopoly).
    nouns = ("fly", "ily", "lly", "ply", "bly", "aly", "oly")
    return word.endswith("ly") and len(word) >= 6 and not word.endswith(nouns)
