"""The hours pages, one module per concern."""
