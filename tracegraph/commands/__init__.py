"""Command modules, one per package they front; each exports COMMANDS."""
