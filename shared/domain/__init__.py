"""Pure domain: no I/O, no Google imports."""
