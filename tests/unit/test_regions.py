"""Real places for providers: the map from knowledge/regions.yml, the loader's check, the region
filter of /organisaties and the chat's "wij zitten in Zwolle"."""

import shutil

import pytest

from bot.knowledge import directory
from bot.knowledge.context import Context, by_region, providers_in_region, serves_region
from bot.knowledge.loader import KnowledgeInvalid, load_knowledge
from bot.knowledge.records import Provider
from bot.knowledge.regions import load_regions, parse_regions
from bot.knowledge.service import KnowledgeService
from bot.store import make_engine, make_sessionmaker
from tests.conftest import KNOWLEDGE

# Made up for the test only: the real file names no place it is not sure of.
OVERIJSSEL = """
  - id: proef-steunpunt-overijssel
    name: Proef-steunpunt Overijssel
    description: Een verzonnen provinciaal steunpunt, alleen voor deze test.
    topics: [ouders]
    audiences: [onderwijs]
    regions: [provincie Overijssel]
    services: [advies]
    phone: null
    url: null

  - id: proef-meldpunt-utrecht
    name: Proef-meldpunt gemeente Utrecht
    description: Een verzonnen gemeentelijk meldpunt in Utrecht, alleen voor deze test.
    topics: [ouders]
    audiences: [onderwijs]
    regions: [Utrecht]
    services: [advies]
    phone: null
    url: null
"""


def provider(*regions):
    return Provider("p", "P", "", (), (), regions, (), None, None)


@pytest.fixture(scope="module")
def knowledge(tmp_path_factory):
    folder = tmp_path_factory.mktemp("regions") / "knowledge"
    shutil.copytree(KNOWLEDGE, folder)
    with (folder / "providers.yml").open("a", encoding="utf-8") as providers:
        providers.write(OVERIJSSEL)
    factory = make_sessionmaker(make_engine("sqlite://"))
    load_knowledge(folder, factory)
    return KnowledgeService(factory)


def test_a_municipality_lies_in_its_province_and_names_are_read_loosely():
    regions = load_regions()
    assert regions.place("zwolle").province == "Overijssel"
    assert regions.place("Den Bosch").name == "'s-Hertogenbosch"
    assert regions.place("Utrecht").kind == "gemeente" and regions.place("provincie utrecht").kind == "provincie"
    assert regions.place("Atlantis") is None
    assert len(regions.grouped()) == 12 and all(towns for _, towns in regions.grouped())


def test_a_province_serves_its_municipalities_and_the_other_way_round():
    regions = load_regions()
    assert regions.serves(["provincie Overijssel"], "Zwolle")
    assert regions.serves(["Zwolle"], "provincie Overijssel")
    assert not regions.serves(["Deventer"], "Zwolle")
    assert not regions.serves(["provincie Utrecht"], "Zwolle")
    assert not regions.serves(["landelijk"], "Zwolle")
    assert regions.serves(["Ommen"], "ommen")  # a place the map does not know matches only itself


def test_the_chat_puts_a_provider_of_the_province_first_for_a_municipality():
    national, local, elsewhere = provider("landelijk"), provider("provincie Overijssel"), provider("Utrecht")
    assert serves_region(local, "zwolle") and not serves_region(national, "zwolle")
    assert by_region([elsewhere, national, local], "Zwolle") == [local, national, elsewhere]


def test_a_region_filter_for_a_municipality_includes_its_province_and_national_providers(knowledge):
    found = directory.search(knowledge, load_regions(), None, None, None, "Zwolle")
    ids = [p.id for p in found.items]
    assert ids[0] == "proef-steunpunt-overijssel"
    assert "proef-meldpunt-utrecht" not in ids
    assert {"advieslijn-platform-jep", "alarmnummer-112", "radicalisation-awareness-network"} <= set(ids)
    assert "veilig-thuis" in ids  # every region has its own
    assert not found.ignored


def test_a_province_filter_includes_providers_of_its_municipalities(knowledge):
    ids = [p.id for p in directory.search(knowledge, load_regions(), None, None, None, "provincie Utrecht").items]
    assert ids[0] == "proef-meldpunt-utrecht" and "proef-steunpunt-overijssel" not in ids


def test_the_chat_region_follow_up_finds_the_provider_of_the_province(knowledge):
    items = providers_in_region(knowledge, Context(topic="ouders", region="zwolle"))
    assert items[0].id == "proef-steunpunt-overijssel"


def test_an_unknown_place_in_providers_yml_is_refused(tmp_path):
    folder = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, folder)
    with (folder / "providers.yml").open("a", encoding="utf-8") as providers:
        providers.write(OVERIJSSEL.replace("[Utrecht]", "[Atlantis]"))
    with pytest.raises(KnowledgeInvalid) as refused:
        load_knowledge(folder, make_sessionmaker(make_engine("sqlite://")))
    assert "onbekende regio 'Atlantis'" in str(refused.value) and "regions" in str(refused.value)


def test_a_broken_map_is_explained():
    with pytest.raises(ValueError, match="provinces"):
        parse_regions({"provincies": []})
    with pytest.raises(ValueError, match="Nergens"):
        parse_regions({"provinces": [{"name": "Zeeland", "municipalities": ["Goes"]}], "aliases": {"X": "Nergens"}})
