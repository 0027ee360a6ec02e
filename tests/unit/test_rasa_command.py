from pathlib import Path

from rasa.__main__ import create_argument_parser

from bot.config import load_settings
from bot.runner import rasa_command


def test_a_token_that_starts_with_a_dash_reaches_rasa_as_the_token():
    command = rasa_command(load_settings(), Path("models/m.tar.gz"), "localhost", 5005, "-Xy_token")
    args = create_argument_parser().parse_args(command[command.index("run") :])
    assert args.auth_token == "-Xy_token"
    assert args.port == 5005 and args.enable_api
