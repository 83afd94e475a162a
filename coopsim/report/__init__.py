"""The report folder every command writes, and its formats (HTML, Markdown)."""
