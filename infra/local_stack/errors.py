"""Errors raised while starting or running the local stack."""


class StackError(RuntimeError):
    """The local stack could not be started or a component failed."""


class PrerequisiteError(StackError):
    """A tool the stack needs is missing; the message says how to install it."""


class ComponentError(StackError):
    """A component died or did not become ready; the message quotes its log."""
