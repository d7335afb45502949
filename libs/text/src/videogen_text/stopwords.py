"""English function words: never visual keywords (they name nothing you could film)."""

from __future__ import annotations

STOPWORDS: frozenset[str] = frozenset(
    """
    a about above after again against all almost also although always am among an and
    another any anyone anything are aren't around as at be became because become been
    before being below between both but by can can't cannot could couldn't did didn't do
    does doesn't doing don't done down during each either else even ever every
    everything few for from further get gets getting got had hadn't has hasn't have
    haven't having he he'd he'll he's her here here's hers herself him himself his how
    how's however i i'd i'll i'm i've if in into is isn't it it's its itself just let
    let's like made make makes many may maybe me might more most much must mustn't my
    myself neither never no nor not now of off often on once one only or other others
    ought our ours ourselves out over own perhaps quite rather really same say said says
    see seem seems shall shan't she she'd she'll she's should shouldn't since so some
    someone something sometimes still such than that that's the their theirs them
    themselves then there there's therefore these they they'd they'll they're they've
    thing things this those though through thus to today too toward towards under
    until up upon us very was wasn't we we'd we'll we're we've were weren't what what's
    whatever when when's where where's whether which while who who's whom whose why
    why's will with within without won't would wouldn't yet you you'd you'll you're
    you've your yours yourself yourselves next first second finally later meanwhile
    yes well okay oh two three last
    """.split()  # noqa: SIM905
)
