"""The web app's own files under /static: a regular file inside the folder, or a 404.

Sanic's app.static answered a directory (/static/, /static/vendor/) with a 500 from
IsADirectoryError. Here nothing but a file that lies inside the folder is ever opened.
"""

from __future__ import annotations

import asyncio
from email.utils import formatdate, parsedate_to_datetime
from mimetypes import guess_type
from pathlib import Path

from sanic import Sanic, response
from sanic.exceptions import NotFound


def _find(root: Path, name: str) -> Path | None:
    try:
        path = (root / name).resolve()
    except (OSError, ValueError):  # a NUL byte, a name too long
        return None
    if not path.is_relative_to(root) or not path.is_file():
        return None
    return path


def register_static(app: Sanic, prefix: str, folder: Path) -> None:
    root = folder.resolve()

    @app.route(f"{prefix}/<name:path>", methods=["GET", "HEAD"], name="static_file")
    async def static_file(request, name: str):
        path = await asyncio.to_thread(_find, root, name)
        if path is None:
            raise NotFound("Dit bestand bestaat niet.")
        modified = (await asyncio.to_thread(path.stat)).st_mtime
        last_modified = formatdate(modified, usegmt=True)
        if _unchanged_since(request.headers.get("if-modified-since"), modified):
            return response.empty(status=304, headers={"Last-Modified": last_modified})
        return await response.file(path, mime_type=_content_type(path), headers={"Last-Modified": last_modified})


def _content_type(path: Path) -> str:
    kind = guess_type(path.name)[0] or "application/octet-stream"
    return f"{kind}; charset=utf-8" if kind.startswith("text/") or kind.endswith("javascript") else kind


def _unchanged_since(header: str | None, modified: float) -> bool:
    try:
        return header is not None and int(modified) <= parsedate_to_datetime(header).timestamp()
    except (TypeError, ValueError):
        return False
