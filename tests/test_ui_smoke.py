"""The planning screen through Gradio's own client (its programmatic twin)."""

import pytest
from gradio_client import Client

from studio.ui import build_app


@pytest.fixture
def app_url():
    demo = build_app()
    demo.queue()
    demo.launch(prevent_thread_lock=True, server_name="127.0.0.1", quiet=True)
    try:
        yield demo.local_url
    finally:
        demo.close()


def test_plan_api_quotes_and_builds_the_body(app_url):
    client = Client(app_url, verbose=False)
    cost, advice, payload = client.predict("pro", "text-to-video", "Wide shot, slow push-in", 8, True, "", api_name="/plan")
    assert cost.startswith("### $1.344")
    assert '"sound": true' in payload
    cost, _, payload = client.predict("standard", "image-to-video", "Dolly-in", 5, False, "", api_name="/plan")
    assert cost.startswith("### $0.42")
    assert "start_image_url: is required" in payload
