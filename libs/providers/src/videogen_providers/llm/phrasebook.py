"""The offline writer's phrases: section angles and sentence templates, as plain data.

Placeholders: {topic} (as written), {Topic} (first letter upper-cased), {audience}, {goal},
{section} (a section title, ready to sit mid-sentence), {prev} (the previous section's), {point}
(a key point, lower-case), {name} and {who} (a cast member and their description),
{question} (the topic as typed, when it was a question).
No template starts with {point}, so nothing needs re-capitalising.
"""

from __future__ import annotations

from typing import NamedTuple


class Angle(NamedTuple):
    """One way to look at a topic: a section's title choices, summary and key points."""

    titles: tuple[str, ...]
    summary: str
    points: tuple[str, ...]


OUTLINE_TITLES = (
    "Understanding {Topic}", "{Topic}, explained for {audience}", "A clear look at {topic}",
    "{Topic}: the essentials", "Inside {topic}", "What {audience} should know about {topic}",
)

OPENING = Angle(
    titles=("The reason to care about {topic}", "The big question", "A first look at {topic}"),
    summary="Opens with a question about {topic}, says why this matters to {audience} and "
    "previews the journey.",
    points=(
        "the question at the heart of {topic}", "the stakes of {topic} for {audience}",
        "the big picture of {topic}",
    ),
)

CLOSING = Angle(
    titles=("The key takeaways", "The big picture", "What to remember about {topic}"),
    summary="Recaps the main ideas about {topic} and leaves {audience} with a next step.",
    points=(
        "the main ideas about {topic}", "the one thing worth remembering",
        "the next step for {audience}",
    ),
)

# In the order a video would visit them; an outline keeps this order for whatever it picks.
BODY = (
    Angle(
        ("{Topic} in plain words", "The basics of {topic}"),
        "Defines {topic} in plain terms and sets out the vocabulary {audience} will need.",
        ("a plain definition of {topic}", "the key terms behind {topic}",
         "{topic} in everyday life", "common confusions around {topic}"),
    ),
    Angle(
        ("Where {topic} came from", "The story of {topic}"),
        "Traces how {topic} developed and which turning points shaped it.",
        ("the origins of {topic}", "the turning points that shaped it",
         "the people who pushed it forward", "how it changed over time"),
    ),
    Angle(
        ("What is at stake with {topic}", "The importance of {topic}"),
        "Explains what is at stake with {topic} for {audience}.",
        ("the everyday impact of {topic}", "who benefits the most",
         "the cost of ignoring it", "why it matters right now"),
    ),
    Angle(
        ("The inner workings of {topic}", "The mechanics of {topic}"),
        "Walks through the mechanism behind {topic}, one moving part at a time.",
        ("the core mechanism", "the main moving parts", "cause and effect at each step",
         "a step-by-step walk-through"),
    ),
    Angle(
        ("{Topic} by the numbers", "The evidence on {topic}"),
        "Puts numbers and evidence behind the claims people make about {topic}.",
        ("the figures that surprise people", "how the evidence was gathered",
         "what the data cannot tell us", "how to read the numbers critically"),
    ),
    Angle(
        ("{Topic} in practice", "A real-world example"),
        "Follows one concrete case to show {topic} at work.",
        ("a concrete example of {topic}", "what went right in that case",
         "what could have gone wrong", "the lessons the example teaches"),
    ),
    Angle(
        ("Common myths about {topic}", "What people get wrong about {topic}"),
        "Clears up the misunderstandings that follow {topic} around.",
        ("the most common myth", "where the confusion comes from",
         "what the evidence actually says", "a better way to think about it"),
    ),
    Angle(
        ("{Topic} and its alternatives", "The alternatives to {topic}"),
        "Sets {topic} next to its alternatives so {audience} can weigh them.",
        ("the main alternatives", "the strengths worth noting", "the weaknesses worth knowing",
         "when each option makes sense"),
    ),
    Angle(
        ("The hard parts of {topic}", "The challenges and trade-offs"),
        "Faces the obstacles, trade-offs and open questions around {topic}.",
        ("the biggest obstacles", "the trade-offs involved", "the questions still open",
         "how experienced people handle them"),
    ),
    Angle(
        ("The people behind {topic}", "Who shapes {topic}"),
        "Introduces the people and communities who drive {topic} forward.",
        ("the pioneers worth knowing", "the communities involved", "the roles people play",
         "how newcomers can take part"),
    ),
    Angle(
        ("Getting started with {topic}", "The first steps with {topic}"),
        "Gives {audience} a practical way to begin with {topic} today.",
        ("a simple first step", "the tools and resources that help", "the mistakes beginners make",
         "how to measure progress"),
    ),
    Angle(
        ("The future of {topic}", "What comes next for {topic}"),
        "Looks ahead at the future of {topic} and what to watch for.",
        ("the trends shaping what comes next", "what may change in the next decade",
         "the signals worth watching", "how to stay prepared"),
    ),
)

# The first sentence of the first section, before any cast is introduced.
HOOKS = (
    "Have you ever stopped to wonder what really lies behind {topic}?",
    "Here is a question worth a few minutes of your time: what makes {topic} tick?",
    "Welcome! Today we are exploring {topic}, with {audience} in mind.",
    "Few subjects reward a closer look quite like {topic}.",
)

# The same, for a topic typed as a question ("How vaccines work"); {question} is as typed.
QUESTION_HOOKS = (
    "Have you ever wondered {question}?",
    "Here is a question worth a few minutes of your time: {question}?",
    "Today we set out to answer one question, with {audience} in mind: {question}?",
)

CAST_INTRODUCTIONS = (
    "Joining us is {name}, {who}.", "You will also hear from {name}, {who}.",
    "Our guide along the way is {name}, {who}.",
)

# The first sentence of any later section.
TRANSITIONS = (
    "Next, let's look at {section}.", "With {prev} behind us, it is time for {section}.",
    "So far we have covered {prev}; now we turn to {section}.", "That brings us to {section}.",
    "Now for {section}, which builds on everything so far.",
)

BODY_SENTENCES = (
    "Start with {point}: everything else builds on this.",
    "A good way to picture {point} is to imagine explaining it to a friend over coffee.",
    "When it comes to {point}, the details matter more than most people expect.",
    "Think about {point} for a moment, and a clearer picture of {topic} starts to form.",
    "Experts often point to {point} as the part that makes {topic} click.",
    "Here is the short version of {point}, without the jargon.",
    "It helps to break {point} into smaller, more familiar pieces.",
    "Once you see {point} clearly, the rest of {section} falls into place.",
    "Keep {point} in mind, because we will come back to this later.",
    "For {audience}, the most practical takeaway often lies in {point}.",
    "If you want to {goal}, focus on {point}.",
    "Notice the link between {point} and the bigger idea of {topic}.",
    "A simple example makes {point} much easier to grasp.",
    "There is more nuance to {point} than a quick summary suggests.",
    "Asking about {point} leads straight to the heart of {topic}.",
    "Many people overlook {point}, yet this shapes the whole story of {topic}.",
    "Look closely at {point} and you will spot patterns that repeat across {topic}.",
    "Ask yourself how an outsider would see {point}, and the answer may surprise you.",
)

CAST_SENTENCES = (
    "{name}, {who}, puts it simply: understand {point}, and the rest follows.",
    "As {name} likes to remind us, it pays to look closely at {point}.",
    "{name} has seen {point} first-hand and knows why this matters.",
    "Here {name} would stop and ask what {point} means for {audience}.",
)

CLOSERS = (
    "That is the heart of this part of the story.", "Hold on to that idea as we move forward.",
    "With that in place, we are ready for the next step.",
    "Keep that in mind; it is a key piece of {topic}.",
)

# Extra sentences in the project's tone, mixed into the body; keyed by words a tone may use.
TONE_SENTENCES: dict[tuple[str, ...], tuple[str, ...]] = {
    ("casual", "fun", "playful", "friendly", "humor", "humour", "light"): (
        "Honestly, there is nothing scary about {point}.",
        "Here is the fun part: you will find traces of {point} in places you would never expect.",
        "Stick with me, because things get more interesting once we reach {point}.",
    ),
    ("formal", "professional", "academic", "serious", "authoritative", "educational"): (
        "It is worth noting the well-documented implications of {point}.",
        "From an analytical standpoint, careful attention to {point} pays off.",
        "The literature on {topic} treats {point} as a central question.",
    ),
    ("inspiring", "inspirational", "motivational", "uplifting", "hopeful", "warm"): (
        "Remember, getting to grips with {point} is well within your reach.",
        "Every expert once started exactly where you are with {point}.",
        "Imagine what becomes possible once you are at home with {point}.",
    ),
    ("dramatic", "suspense", "mysterious", "epic", "cinematic"): (
        "But this is where the story of {topic} takes an unexpected turn: {point}.",
        "Few people saw it coming, yet {point} changed the whole story.",
        "The stakes rise sharply the moment we reach {point}.",
    ),
}

# Points for expanding a section that came from elsewhere (no outline key points to hand).
EXPANSION_POINTS = (
    "the main idea of {section}", "a detail of {section} that is easy to miss",
    "a practical example of {section}", "a common question about {topic}",
    "the link between {section} and {topic}", "what {section} means for {audience}",
)

# Points that keep a long section going once its own key points are used.
GENERAL_POINTS = (
    "a detail that is easy to miss", "a practical example", "a common question about {topic}",
    "what this means for {audience}", "the bigger picture of {topic}",
    "the everyday side of {topic}",
)

CAST_POINT = "meet the cast: {names}"

DEFAULT_AUDIENCE = "curious viewers"
DEFAULT_GOAL = "see the bigger picture"
