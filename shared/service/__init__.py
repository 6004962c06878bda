"""The service layer: use cases as plain functions over the ports in `ports`."""
