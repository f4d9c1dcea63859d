"""Jobs over time: the journal, a job's life from submit to file, budgets, storyboard runs and the service facades the UI and CLI call."""

__all__: list[str] = []
