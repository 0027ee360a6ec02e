"""The commands that start something: everything (`run`), the web app, the action server, or a training."""

from __future__ import annotations

from bot.config import Settings


def run(args, settings: Settings) -> int:
    # Each imports only what it starts: the web app and the action server pull in different stacks.
    if args.group == "run":
        from bot.runner import run as run_everything

        return run_everything(settings)
    if args.group == "train":
        from bot.training.model import ensure_model

        ensure_model(settings)
        return 0
    if args.group == "actions":
        from bot.action_server import serve as serve_actions

        return serve_actions(settings)
    from bot.web.app import serve

    return serve(settings)
