"""The action server: rasa_sdk's app, bound to JEP_HOST, answering only Rasa.

Rasa sends the shared token (JEP_ACTION_TOKEN, endpoints.yml) as the `token`
query parameter; a request without it is refused, so nothing else on the
machine can run the actions (and create escalations) directly.
"""

from __future__ import annotations

import hmac

from rasa_sdk.endpoint import create_app
from sanic import response

from bot.config import Settings

OPEN_PATHS = ("/health",)


def create_action_app(token: str):
    if not token:
        raise SystemExit("fout: JEP_ACTION_TOKEN ontbreekt; start de diensten met `make run`")
    app = create_app("actions", cors_origins=[])

    @app.middleware("request")
    async def require_token(request):
        if request.path in OPEN_PATHS:
            return None
        given = request.args.get("token") or ""
        if not hmac.compare_digest(given.encode(), token.encode()):
            return response.json({"error": "niet geautoriseerd"}, status=401)
        return None

    return app


def serve(settings: Settings) -> int:
    app = create_action_app(settings.action_token)
    app.run(settings.host, settings.action_port, access_log=False, motd=False, workers=1)
    return 0
