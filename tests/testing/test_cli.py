"""``python -m ninja_aio keygen`` / ``token``: a key pair and a token that a route accepts."""

from __future__ import annotations

import stat
import subprocess
import sys
from pathlib import Path

import pytest
from joserfc import jws
from ninja.testing import TestAsyncClient

from ninja_aio import NinjaAIO
from ninja_aio.auth import AsyncJwtBearer
from ninja_aio.cli import main
from ninja_aio.testing import TokenFactory
from tests.testing.apis import EditorAuth
from tests.testing.apis import api as helpers_api

ROOT = Path(__file__).resolve().parents[2]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("alg", ["RS256", "ES256", "Ed25519"])
async def test_keygen_then_token_calls_a_protected_route(tmp_path, capsys, alg):
    code, out, _ = run(capsys, "keygen", "--alg", alg, "--out", str(tmp_path), "--kid", "k1")
    assert code == 0
    private, public = tmp_path / "jwt_private.pem", tmp_path / "jwt_public.pem"
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert f'JWT_PUBLIC_KEY = Path("{public}").read_text()' in out

    class LocalAuth(AsyncJwtBearer):
        jwt_public = public.read_text()
        jwt_alg = alg
        issuer = "https://local.test"

    api = NinjaAIO(urls_namespace=f"cli-{alg}")

    @api.get("/me", auth=LocalAuth())
    async def me(request):
        return {"sub": request.auth["sub"], "roles": request.auth["roles"]}

    code, token, _ = run(
        capsys, "token", "--key", str(private), "--alg", alg, "--sub", "7",
        "--iss", "https://local.test", "--role", "admin", "--claim", "tenant=3",
    )  # fmt: skip
    assert code == 0
    assert jws.extract_compact(token.strip().encode()).headers()["alg"] == alg
    headers = {"Authorization": f"Bearer {token.strip()}"}
    response = await TestAsyncClient(api).get("/me", headers=headers)
    assert response.json() == {"sub": "7", "roles": ["admin"]}


def test_keygen_never_overwrites_by_accident(tmp_path, capsys):
    assert run(capsys, "keygen", "--out", str(tmp_path))[0] == 0
    before = (tmp_path / "jwt_private.pem").read_text()
    code, _, err = run(capsys, "keygen", "--out", str(tmp_path))
    assert code == 1 and "pass --force" in err
    assert (tmp_path / "jwt_private.pem").read_text() == before
    assert run(capsys, "keygen", "--out", str(tmp_path), "--force")[0] == 0
    assert (tmp_path / "jwt_private.pem").read_text() != before


async def test_hmac_secret_and_a_token_for_an_authenticator_class(tmp_path, capsys):
    assert run(capsys, "keygen", "--alg", "HS256", "--out", str(tmp_path))[0] == 0
    secret = tmp_path / "jwt_secret.txt"
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    assert len(secret.read_text().strip()) >= 43

    assert run(capsys, "keygen", "--out", str(tmp_path / "rsa"))[0] == 0
    private = tmp_path / "rsa" / "jwt_private.pem"
    code, token, _ = run(
        capsys, "token", "--auth", "tests.testing.apis:EditorAuth", "--key", str(private)
    )
    assert code == 0
    with TokenFactory(EditorAuth, private_key=private.read_text()).trust():
        response = await TestAsyncClient(helpers_api).get(
            "/editor", headers={"Authorization": f"Bearer {token.strip()}"}
        )
    assert response.status_code == 200, response.json()


def test_bad_input_is_a_one_line_error(tmp_path, capsys):
    code, _, err = run(capsys, "token", "--key", str(tmp_path / "missing.pem"))
    assert code == 1 and err.startswith("error: ") and err.count("\n") == 1
    code, _, err = run(capsys, "token", "--claim", "novalue", "--key", str(tmp_path))
    assert code == 1 and err.startswith("error: ")


def test_the_module_runs_without_django_settings(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-m", "ninja_aio", "keygen", "--out", str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "jwt_public.pem").exists()
