import stat

from bot.config import _kept_secret


def test_the_session_secret_is_made_once_and_kept_private(tmp_path):
    path = tmp_path / "var" / "session.secret"
    first = _kept_secret(path)
    assert len(first) >= 32 and _kept_secret(path) == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["session.secret"]  # no draft left behind
