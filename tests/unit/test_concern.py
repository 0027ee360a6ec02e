from pathlib import Path

import pytest
import yaml

from bot.knowledge.concern import details, says_what_happens

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
