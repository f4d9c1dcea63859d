"""The studio's domain: the Kling 3.0 catalog, requests, validation, payloads, prices, prompts and storyboards. Pure: no I/O beyond reading bundled data, no network, no UI."""

__all__: list[str] = []
