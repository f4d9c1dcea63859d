"""Start Kling Studio in the browser: ``python app.py``."""

from studio.ui import build_app

if __name__ == "__main__":
    build_app().queue(default_concurrency_limit=8).launch(server_name="127.0.0.1")
