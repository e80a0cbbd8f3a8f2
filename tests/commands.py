"""What the registries' test helpers share: run a command in a unit of work, or see it refused.

Each registry's conftest has a helper class (``Register``, ``Aordningen`` …) that inherits
``Commands`` and says what a snapshot of its tables is; ``refused`` then checks that a refused
command wrote nothing at all.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import pytest

from felles.kernel.db import Database
from felles.kernel.errors import Problem

T = TypeVar("T")


class Commands:
    """Running commands against one test database."""

    database: Database

    def run(self, command: Callable[..., T], **kwargs: Any) -> T:
        """Run one command in its own unit of work and commit."""
        with self.database.unit_of_work() as uow:
            result = command(uow, **kwargs)
            uow.commit()
            return result

    def refused(self, problem: type[Problem], command: Callable[..., Any], **kwargs: Any) -> str:
        """Assert the command raises ``problem`` and writes nothing; returns the detail."""
        before = self.snapshot()
        with pytest.raises(problem) as raised, self.database.unit_of_work() as uow:
            command(uow, **kwargs)
            uow.commit()
        assert self.snapshot() == before, "a refused command must write nothing"
        return raised.value.detail

    def snapshot(self) -> Any:
        """Whatever shows that nothing was written (counts and versions of the tables)."""
        raise NotImplementedError
