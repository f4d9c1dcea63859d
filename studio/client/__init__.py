"""The RunComfy client: the one async HTTP layer, the retry policy, the API calls, typed job states, download rules and the token."""

__all__: list[str] = []
