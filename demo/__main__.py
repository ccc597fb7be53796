"""``python -m demo``: create the SQLite database, seed it, print tokens, serve on :8000."""

import argparse
import os
import sys


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "demo.settings")
    import django

    django.setup()

    import uvicorn
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
    from django.core.asgi import get_asgi_application
    from django.core.management import call_command

    from demo.seed import seed, tokens

    call_command("migrate", run_syncdb=True, verbosity=0)
    seed()
    base = f"http://{args.host}:{args.port}/api"
    user_token, admin_token = tokens()
    lines = [
        f"Swagger UI: {base}/docs",
        f"User token (alice):  {user_token}",
        f"Admin token (admin): {admin_token}",
        "Try:",
        f"  curl {base}/article/",
        f'  curl -X POST -H "Authorization: Bearer {user_token}" '
        f"-H 'Content-Type: application/json' "
        f'-d \'{{"title": "Hello", "author": 1, "tags": [1]}}\' {base}/article/',
        f'  curl -X DELETE -H "Authorization: Bearer {admin_token}" {base}/article/1/',
    ]
    sys.stdout.write("\n".join(lines) + "\n")
    sys.stdout.flush()
    # Serves Swagger UI's static files too, so the demo works without internet access.
    app = ASGIStaticFilesHandler(get_asgi_application())
    uvicorn.run(app, host=args.host, port=args.port, log_level="info")


if __name__ == "__main__":
    main()
