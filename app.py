"""Start Kling Studio in the browser: ``python app.py``.

With a RunComfy token (``RUNCOMFY_TOKEN``, ``RUNCOMFY_API_KEY`` or ``runcomfy login``) it runs
live; with none it runs fully offline on the embedded simulator (local previews, no charges).
"""

from studio.ui import serve

if __name__ == "__main__":
    serve()
