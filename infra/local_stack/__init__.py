"""Local development stack: emulators, the storage event bridge and functions.

    with LocalStack(StackConfig(...)) as stack:
        os.environ.update(stack.env())

Or from a shell: python -m infra.local_stack up
"""

from infra.local_stack.config import FunctionSpec, Service, StackConfig
from infra.local_stack.errors import ComponentError, PrerequisiteError, StackError
from infra.local_stack.prerequisites import PIP_HINT

try:
    from infra.local_stack.stack import LocalStack
except ModuleNotFoundError as missing:  # the stack's Python packages are not installed
    raise PrerequisiteError(f"{missing.name} is not installed: {PIP_HINT}") from missing

__all__ = [
    "ComponentError",
    "FunctionSpec",
    "LocalStack",
    "PrerequisiteError",
    "Service",
    "StackConfig",
    "StackError",
]
