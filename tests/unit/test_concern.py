from pathlib import Path

import pytest
import yaml

from bot.knowledge.concern import details, says_what_happens, without_people
from bot.knowledge.context import asks_where_to_share

CONCERNS = yaml.safe_load((Path(__file__).parents[1] / "search" / "concerns" / "concerns.yml").read_text("utf-8"))


@pytest.mark.parametrize("text", CONCERNS["vague"])
def test_a_concern_that_only_frames_itself_says_nothing_that_happens(text):
    assert not says_what_happens(text), details(text)


@pytest.mark.parametrize("text", CONCERNS["specific"])
def test_a_concern_that_describes_behaviour_says_what_happens(text):
    assert says_what_happens(text), details(text)


def test_the_boundary_is_two_words_beyond_the_frame():
    assert details("ik maak me zorgen over een leerling die vloekt") == ["vloekt"]
    assert not says_what_happens("ik maak me zorgen over een leerling die vloekt")
    assert says_what_happens("ik maak me zorgen over een leerling die vloekt en dreigt")


@pytest.mark.parametrize(
    "text",
    [
        "waar meld ik zorgen over een leerling",
        "met wie deel ik mijn zorgen over een cliënt?",
        "zorgen over een jongere, wie moet ik inlichten",
        "zorgen over radicalisering leerling, wie bel ik",
    ],
)
def test_asking_where_to_share_a_concern_without_describing_one(text):
    assert asks_where_to_share(text)


@pytest.mark.parametrize(
    "text",
    [
        "ik maak me zorgen over leerlingen die filmpjes delen",  # "delen" of something that happens
        "waar meld ik discriminatie",  # no concern: what is to be reported is named
        "ik maak me zorgen over een leerling",  # no question of sharing
        "ik wil mijn zorgen over een leerling bespreken",  # opens a conversation: not where or with whom
        "mijn zorgen over een jongere die steeds vaker 'de vijand' zegt, moet ik dat melden",
    ],
)
def test_a_concern_that_says_more_or_no_sharing_is_searched_as_usual(text):
    assert not asks_where_to_share(text)


def test_without_people_leaves_out_whom_it_is_about():
    assert without_people("Waar meld ik zorgen over een leerling?") == "waar meld ik zorgen over een"
