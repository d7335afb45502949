"""icons on real narration sentences: the icon a reader expects, and none of the classic surprises.

Each case names a word of the sentence and the icons that picture it acceptably; the match for
that word must be one of them. Printed with -s for reading.
"""

from __future__ import annotations

import pytest
from videogen_media.icons import IconSet

EXPECTED: list[tuple[str, str, set[str]]] = [
    # nature
    ("Honeybees visit flowers in the sun.", "honeybees", {"bug"}),
    ("Honeybees visit flowers in the sun.", "flowers", {"spa", "seedling", "leaf"}),
    ("Oak trees can live for more than a thousand years.", "trees", {"tree"}),
    ("Wolves hunt in packs across the frozen tundra.", "frozen", {"snowflake", "icicles"}),
    ("The volcano erupted, sending ash high into the sky.", "volcano", {"volcano"}),
    ("Migrating birds fly thousands of kilometres every autumn.", "birds", {"dove", "crow"}),
    ("Mushrooms grow on the forest floor after the rain.", "rain", {"cloud-rain", "umbrella"}),
    ("We sat on the bank of the river and watched the ducks.", "bank", {"water"}),
    ("Back at the hive, it dances to show the others the way.", "hive", {"bug"}),
    ("The hives on my skin itch.", "hives", {"hand-dots"}),
    ("A single bee can fly several kilometres for nectar.", "fly", {"bug"}),
    ("Eagles fly over the mountains.", "eagles", {"dove", "feather"}),
    # science
    ("Atoms are made of protons, neutrons and electrons.", "atoms", {"atom"}),
    ("DNA carries the genetic instructions for every living cell.", "dna", {"dna"}),
    ("Chemists mix compounds in the laboratory to test new drugs.", "laboratory", {"flask"}),
    ("Astronauts aboard the space station orbit Earth.", "astronauts", {"user-astronaut"}),
    ("The Moon controls the tides of the oceans.", "moon", {"moon"}),
    ("Magnets attract iron but not wood.", "magnets", {"magnet"}),
    ("Plants need light and water to grow.", "light", {"sun", "star"}),
    # history
    ("The Roman Empire built roads across Europe.", "empire", {"crown", "landmark"}),
    ("The pyramids of Egypt were built as tombs for pharaohs.", "pharaohs", {"crown"}),
    ("Medieval knights wore heavy armour into battle.", "knights", {"shield", "chess-knight"}),
    ("The king was crowned in the cathedral.", "cathedral", {"church"}),
    ("Vikings sailed their longships to Greenland.", "sailed", {"sailboat", "ship"}),
    ("Shakespeare wrote his plays in Elizabethan London.", "plays", {"masks-theater"}),
    # technology
    ("Smartphones put the internet in every pocket.", "smartphones", {"mobile"}),
    ("Robots assemble cars on the factory floor.", "robots", {"robot"}),
    ("Click the mouse to open the file on your computer.", "mouse", {"computer-mouse"}),
    ("Solar panels turn sunlight into electricity.", "solar", {"solar-panel"}),
    ("Hackers stole millions of passwords from the server.", "server", {"server", "database"}),
    ("Artificial intelligence can now write code.", "code", {"code", "laptop-code"}),
    # cooking
    ("Whisk the eggs with sugar and flour to make a cake.", "eggs", {"egg"}),
    ("Bake the bread for forty minutes in a hot oven.", "bake", {"bread-slice"}),
    ("Chop the onions and fry them in olive oil.", "oil", {"bottle-droplet"}),
    ("Pour the coffee and add a splash of milk.", "coffee", {"mug-hot"}),
    ("Cheese is made from the milk of cows and goats.", "cows", {"cow"}),
    ("The chef grilled the fish and served it with rice.", "rice", {"bowl-rice"}),
    # sport
    ("She won a gold medal in the marathon.", "medal", {"medal"}),
    ("The basketball team won the championship.", "basketball", {"basketball"}),
    ("Swimmers train in the pool every morning.", "train", {"dumbbell", "stopwatch"}),
    ("Cyclists climbed the mountain pass.", "cyclists", {"person-biking", "bicycle"}),
    ("The crowd cheered as the runners crossed the finish line.", "runners", {"person-running"}),
    ("He broke the world record for the 100 metres.", "record", {"trophy", "medal"}),
    # money
    ("The bank raised interest rates to fight inflation.", "bank", {"building-columns"}),
    ("Save a little money every month in a savings account.", "money", {"coins", "money-bill"}),
    ("Stocks fell sharply as investors panicked.", "investors", {"chart-line"}),
    ("He paid for the groceries with a credit card.", "credit", {"credit-card"}),
    ("Mortgage rates rose for the third month in a row.", "rose", {"arrow-trend-up"}),
    ("Bitcoin prices soared last year.", "bitcoin", {"bitcoin", "bitcoin-sign"}),
    # health
    ("The doctor listened to her heart with a stethoscope.", "stethoscope", {"stethoscope"}),
    ("Vaccines protect children from dangerous diseases.", "vaccines", {"syringe"}),
    ("Sleep is essential for a healthy brain.", "brain", {"brain"}),
    ("Smoking damages the lungs.", "lungs", {"lungs"}),
    ("Nurses care for patients in the hospital.", "hospital", {"hospital"}),
    ("Meditation and yoga reduce stress.", "meditation", {"spa"}),
]

# (sentence, icons that must not appear): verbs pictured as symbols, brands for ordinary words,
# the wrong sense of an ambiguous word, interface chrome.
NEVER: list[tuple[str, set[str]]] = [
    ("A black cat crossed the road.", {"cross", "heart"}),
    ("The cell divides into two daughter cells.", {"divide"}),
    ("The children played in the park.", {"play", "square-parking"}),
    ("The river burst its banks after a storm.", {"burst", "building-columns", "piggy-bank"}),
    ("A single bee can fly several kilometres for nectar.", {"plane"}),
    ("Eagles fly over the mountains.", {"golf-ball-tee"}),
    ("Fishermen pulled their boats onto the bank.", {"building-columns", "piggy-bank", "vault"}),
    ("Put on your sunglasses before you go out in the sun.", {"cloud-sun", "sun-plant-wilt"}),
    ("An apple a day keeps the doctor away.", {"apple"}),
    ("The Amazon rainforest is home to millions of species.", {"amazon", "folder-tree", "atom"}),
    ("The Roman Empire built roads across Europe.", {"empire"}),
    ("Elephants use their trunks to drink and bathe.", {"republican"}),
    ("Season the soup with salt and pepper.", {"apple-whole"}),
    ("The tennis match lasted five hours.", {"dice-five"}),
    ("Turn left at the next corner and go up the hill.", {"arrow-left", "arrow-up", "left-long"}),
    ("The mouse ate the cheese in the kitchen.", {"computer-mouse"}),
    ("The virus spread quickly through the city.", {"gauge-high"}),
]


@pytest.fixture(scope="module")
def icons() -> IconSet:
    return IconSet.installed()


@pytest.mark.parametrize(("text", "word", "acceptable"), EXPECTED)
def test_the_expected_icon_for_the_word(
    icons: IconSet, text: str, word: str, acceptable: set[str]
) -> None:
    matches = icons.match(text, limit=10)
    print(f"{text} → " + "; ".join(f"{m.word}: {m.icon.id} ({m.tag})" for m in matches))
    by_word = {m.word: m.icon.id for m in matches}
    assert by_word.get(word) in acceptable, by_word


@pytest.mark.parametrize(("text", "banned"), NEVER)
def test_no_surprising_icon(icons: IconSet, text: str, banned: set[str]) -> None:
    found = {m.icon.id for m in icons.match(text, limit=5)}
    assert not found & banned, found


def test_sentences_of_every_topic_get_icons(icons: IconSet) -> None:
    texts = sorted({text for text, _, _ in EXPECTED})
    pictured = [text for text in texts if icons.match(text, limit=1)]
    assert len(pictured) == len(texts)
