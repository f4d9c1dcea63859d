"""Start Kling Studio in the browser: ``python app.py``.

With a RunComfy token (``RUNCOMFY_TOKEN``, ``RUNCOMFY_API_KEY`` or ``runcomfy login``) it runs
live; with none it runs fully offline on the embedded simulator (local previews, no charges).
It is also a Hugging Face Space's entry point (``app_file`` in README.md's header): there it
listens on 0.0.0.0:7860 (see :func:`studio.ui.space.listen_address`).
"""

from studio.ui import serve

if __name__ == "__main__":
    serve()
