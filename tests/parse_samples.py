"""Messages for comparing two parses of the same text, and what of a parse must match."""

TEXTS = [
    "een leerling deelt extreemrechtse memes in de klasgroep, wat kan ik doen?",
    "wie kan ik bellen over een jongere die online radicaliseert",
    "ik wil graag met een adviseur praten",
    "hallo",
    # A quick reply of the widget: the only "/intent" syntax the channels accept from outside.
    "/find_provider",
]


def entities(parse: dict) -> list[tuple]:
    return [(e["entity"], e["value"], e["start"], e["end"]) for e in parse["entities"]]
