"""``python -m ninja_aio keygen``: a signing key pair (or HMAC secret) for local work."""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from pathlib import Path

from ninja_aio.cli import setup_django

ALGORITHMS = ("RS256", "ES256", "Ed25519", "HS256")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--alg", choices=ALGORITHMS, default="RS256", help="default: RS256")
    parser.add_argument("--out", type=Path, default=Path("keys"), help="directory (./keys)")
    parser.add_argument("--kid", help="key id, put in the public key and in tokens' headers")
    parser.add_argument("--force", action="store_true", help="overwrite existing files")


def _files(alg: str, kid: str | None) -> dict[str, tuple[str, bool]]:
    """File name -> (content, is secret)."""
    if alg == "HS256":
        return {"jwt_secret.txt": (secrets.token_urlsafe(48) + "\n", True)}
    setup_django()
    from ninja_aio.testing.tokens import generate_key

    key = generate_key(alg, kid=kid)
    return {
        "jwt_private.pem": (key.as_pem(private=True).decode(), True),
        "jwt_public.pem": (key.as_pem(private=False).decode(), False),
    }


def _write(path: Path, text: str, *, secret: bool, force: bool) -> None:
    flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if force else os.O_EXCL)
    with os.fdopen(os.open(path, flags, 0o600 if secret else 0o644), "w") as handle:
        handle.write(text)


def _settings(out: Path, alg: str) -> str:
    if alg == "HS256":
        secret = f'Path("{out / "jwt_secret.txt"}").read_text().strip()'
        lines = [f"JWT_PRIVATE_KEY = JWT_PUBLIC_KEY = {secret}"]
    else:
        lines = [
            f'JWT_PRIVATE_KEY = Path("{out / "jwt_private.pem"}").read_text()',
            f'JWT_PUBLIC_KEY = Path("{out / "jwt_public.pem"}").read_text()',
        ]
    return "\n".join(["    from pathlib import Path", *(f"    {line}" for line in lines)])


def run(args: argparse.Namespace) -> int:
    files = _files(args.alg, args.kid)
    args.out.mkdir(parents=True, exist_ok=True)
    try:
        for name, (text, secret) in files.items():
            _write(args.out / name, text, secret=secret, force=args.force)
    except FileExistsError as exc:
        sys.stderr.write(f"error: {exc.filename} exists; pass --force to overwrite\n")
        return 1
    signing = args.out / next(iter(files))
    sys.stdout.write(
        f"Wrote {', '.join(str(args.out / name) for name in files)} ({args.alg}).\n"
        "Add to your settings (and keep the private key out of version control):\n\n"
        f"{_settings(args.out, args.alg)}\n\n"
        f"Then mint a token: python -m ninja_aio token --key {signing} --alg {args.alg} --sub 1\n"
    )
    return 0
