"""Subcommands of the `funreason` CLI, one module each."""
