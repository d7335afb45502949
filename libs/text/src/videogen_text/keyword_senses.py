"""Senses of ambiguous words: which meaning the other words of a sentence point to.

"bank" beside "river" is a riverbank, not a bank; "mouse" beside "keyboard" is a computer mouse.
"""

from __future__ import annotations

# Ambiguous words: rows of (cue words, words to picture). The first row whose cue word is among
# the sentence's other words wins; a row with no cues is the usual sense, taken when nothing else
# matched. Without a matching row the word is pictured as it stands (with its synonyms).
SENSES: dict[str, tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]] = {
    "bank": (
        (("river", "stream", "creek", "lake", "shore", "canal", "flood", "fishing", "fish", "water",
          "muddy", "grassy", "bridge", "boat", "erosion", "otter"), ("water",)),
    ),
    # "hives" is a rash in Font Awesome's terms (hand-dots); a hive is a bee's home.
    "hive": (
        (("rash", "itch", "itchy", "skin", "allergy", "allergic", "swelling"), ("hand-dots",)),
        ((), ("bug",)),
    ),
    # Font Awesome files a golf score under "eagle"; the bird is the usual sense.
    "eagle": (
        (("golf", "hole", "birdie", "par", "putt", "golfer"), ("golf-ball-tee",)),
        ((), ("dove", "feather")),
    ),
    "mouse": (
        (("computer", "click", "keyboard", "cursor", "screen", "laptop", "desktop", "scroll",
          "button"), ("computer-mouse",)),
        ((), ("animal", "paw")),
    ),
    "plant": (
        (("power", "nuclear", "coal", "factory", "electricity", "energy", "industrial", "chemical",
          "manufacturing", "steel", "worker"), ("industry",)),
    ),
    "star": (
        (("film", "movie", "hollywood", "actor", "actress", "pop", "rock", "celebrity", "famous",
          "football", "tennis", "music", "singer", "player"), ("award", "medal")),
    ),
    "cell": (
        (("phone", "mobile", "call", "battery", "signal", "tower"), ("mobile",)),
        (("prison", "jail", "prisoner"), ("handcuffs",)),
        ((), ("microscope", "bacterium")),
    ),
    "chip": (
        (("potato", "fish", "snack", "salty", "crisp", "fried", "eat"), ("bowl-food",)),
        ((), ("microchip",)),
    ),
    "crane": (
        (("construction", "building", "site", "lift", "load", "tower", "port"), ("helmet-safety",)),
        ((), ("bird",)),
    ),
    "bat": (
        (("cricket", "baseball", "ball", "swing", "hit", "pitch"), ("baseball-bat-ball",)),
        ((), ("animal",)),
    ),
    "mercury": (
        (("thermometer", "toxic", "metal", "element", "poison", "liquid"),
         ("thermometer", "flask")),
        ((), ("planet",)),
    ),
    "virus": (
        (("computer", "software", "email", "hacker", "antivirus", "malware", "laptop", "file"),
         ("shield-virus", "bug")),
    ),
    "bug": (
        (("software", "code", "program", "computer", "fix", "developer", "app"), ("bug",)),
    ),
    "spring": (
        (("metal", "coil", "mattress", "bounce"), ()),
        ((), ("seedling", "flower")),
    ),
    "fall": (
        (("leaf", "leaves", "autumn", "tree", "season"), ("leaf",)),
        ((), ()),
    ),
    "match": (
        (("fire", "light", "burn", "flame", "candle", "strike"), ("fire",)),
    ),
    "pitch": (
        (("football", "soccer", "grass", "stadium", "play", "player"), ("futbol",)),
        ((), ("music",)),
    ),
    "court": (
        (("tennis", "basketball", "volleyball", "ball", "player"), ("basketball",)),
    ),
    "seal": (
        (("ocean", "sea", "ice", "arctic", "beach", "animal", "pup", "fish"), ("fish", "water")),
        ((), ("stamp",)),
    ),
    "trunk": (
        (("elephant",), ("animal",)),
        (("car", "luggage", "boot"), ("car",)),
        ((), ("tree",)),
    ),
    "palm": (
        (("hand", "finger", "wrist"), ("hand",)),
        ((), ("tree", "umbrella-beach")),
    ),
    # Company names that are ordinary words: the brand's logo (an icon id) only when the
    # sentence is about the company; brand logos must represent their company and nothing else.
    "apple": (
        (("iphone", "ipad", "mac", "macbook", "computer", "software", "company", "shares", "tech",
          "technology", "released", "launched", "store", "ceo"), ("apple", "laptop")),
    ),
    "amazon": (
        (("rainforest", "river", "jungle", "forest", "brazil", "tree", "tribe", "basin"),
         ("tree", "water")),
        (("company", "online", "shopping", "delivery", "retailer", "bezos", "prime", "order",
          "package", "warehouse", "shares", "cloud", "aws"), ("amazon", "cart-shopping")),
        ((), ("tree", "water")),
    ),
    "python": (
        (("code", "programming", "software", "language", "script", "developer", "computer",
          "library"), ("python", "code")),
        ((), ("serpent", "dragon")),
    ),
    "java": (
        (("code", "programming", "software", "developer", "computer", "language"),
         ("java", "code")),
        ((), ("mug-hot",)),
    ),
    "current": (
        (("electric", "electricity", "voltage", "wire", "circuit"), ("bolt",)),
        (("ocean", "sea", "river", "water", "swim"), ("water",)),
        ((), ()),
    ),
    "wave": (
        (("hand", "hello", "goodbye"), ("hand",)),
        (("radio", "sound", "signal", "light", "frequency"), ("wave-square",)),
    ),
    "organ": (
        (("music", "church", "pipe", "play"), ("music",)),
        ((), ("lungs", "heart-pulse")),
    ),
    "tank": (
        (("fish", "water", "aquarium", "fuel", "gas"), ("gas-pump",)),
        ((), ("shield",)),
    ),
    "light": (
        (("traffic", "road", "car"), ("traffic-light",)),
        (("weight", "heavy"), ()),
        (("plant", "grow", "sun", "star", "galaxy", "year", "speed", "photosynthesis", "sky",
          "day", "leaf", "ray", "travel", "hole", "beam", "wave", "photon", "kilometre"),
         ("sun", "star")),
    ),
    "play": (
        (("theatre", "theater", "stage", "actor", "actress", "shakespeare", "wrote", "audience",
          "drama", "playwright", "comedy", "tragedy"), ("masks-theater",)),
        (("guitar", "piano", "music", "song", "violin", "drum", "band", "orchestra", "symphony",
          "concert", "musician", "composer", "melody", "tune", "note"), ("music", "guitar")),
    ),
    "record": (
        (("world", "broke", "break", "set", "athlete", "fastest", "olympic", "beat"),
         ("trophy", "medal")),
    ),
    "rose": (
        (("rate", "price", "percent", "sharply", "inflation", "number", "level", "temperature",
          "cost", "share", "stock", "sales", "profit", "month", "year"), ("arrow-trend-up",)),
    ),
    "dish": (
        (("satellite", "tv", "television", "antenna", "signal", "radio"), ("satellite-dish",)),
        ((), ("bowl-food", "utensils")),
    ),
    "rock": (
        (("music", "band", "roll", "guitar", "concert", "star", "singer", "song", "festival"),
         ("guitar", "music")),
        ((), ("mountain", "hill-rockslide")),
    ),
    "save": (
        (("goalkeeper", "keeper", "penalty", "shot", "goal", "striker", "match"), ("futbol",)),
        (("life", "lives", "rescue", "rescued", "firefighter", "drowning"), ("life-ring",)),
    ),
    "fly": (
        (("bird", "wing", "eagle", "sky", "migrate", "nest", "feather"), ("dove", "feather")),
        (("swat", "buzz", "insect", "maggot", "fruit", "bee", "honeybee", "wasp", "pollen",
          "nectar"), ("bug",)),
        (("plane", "airport", "airline", "pilot", "passenger", "ticket", "jet", "holiday"),
         ("plane",)),
        # Otherwise nothing: "fly several kilometres" said of an animal is not an aircraft.
        ((), ()),
    ),
    "train": (
        (("swim", "swimmer", "gym", "athlete", "coach", "exercise", "team", "pool", "player",
          "runner", "hard", "fitness", "dog"), ("dumbbell", "stopwatch")),
    ),
    "oil": (
        (("olive", "cook", "fry", "pan", "salad", "kitchen", "vegetable", "onion", "garlic",
          "recipe", "butter"), ("bottle-droplet",)),
    ),
    "season": (
        (("salt", "pepper", "soup", "taste", "dish", "sauce", "stew", "meat", "spice"),
         ("pepper-hot",)),
        (("football", "league", "team", "match", "game", "player"), ("trophy",)),
        ((), ("leaf", "sun")),
    ),
    "park": (
        (("car", "parking", "drive", "driver", "garage"), ("square-parking",)),
    ),
    "station": (
        (("train", "rail", "railway", "platform", "subway"), ("train",)),
        (("space", "orbit", "astronaut"), ("satellite",)),
        (("radio", "tv", "television"), ("tower-broadcast",)),
        (("petrol", "gas", "fuel"), ("gas-pump",)),
    ),
}
