"""Export and erasure of everything stored about a person."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from storage import repo
from storage.models import User
from storage.types import utcnow


async def export_document(*, session: AsyncSession, user: User) -> bytes:
    """Returns all rows about the user as a readable JSON document (UTF-8)."""
    data: dict[str, Any] = {
        "exported_at": utcnow().isoformat(),
        "about": "Everything CareerPilot stores about you, table by table.",
        "data": await repo.export_user(session=session, user=user),
    }
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False).encode("utf-8")


async def erase(*, session: AsyncSession, user: User) -> dict[str, int]:
    """Deletes every row about the user, conversation state included; returns counts per table."""
    return await repo.delete_user(session=session, user=user)
