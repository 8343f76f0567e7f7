"""The built-in analyzers. Each module holds one plugin; pyproject.toml registers them."""
