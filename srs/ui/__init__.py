"""Rich rendering and key input. Only the CLI imports this package."""
