"""A faster check of the action server's replies, with the same verdicts as Rasa's own.

Rasa 3.6 checks every reply of the action server with `jsonschema.validate`, which
checks the (large) events schema and builds a validator anew on every call: about
25 ms of CPU per custom action on two cores, the largest single cost of a turn
(profiled for the load benchmark, see README). Here the validator is built once.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jsonschema import exceptions, validators
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


@lru_cache(maxsize=1)
def _validator():
    schema = RemoteAction.action_response_format_spec()
    cls = validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    # What jsonschema.validate raises: the best-matching error, with Rasa's hint appended.
    error = exceptions.best_match(_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        ". Failed to validate Action server response from API, make sure your response from the "
        f"Action endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
    )
    raise error


def install() -> None:
    RemoteAction._validate_action_result = validate_action_result
