"""Local development infrastructure: emulator launchers, the event bridge, load tools."""
