"""Media files: the preview encoder and its cards, stitching clips, fonts, and the durable file writer."""

__all__: list[str] = []
