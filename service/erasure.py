"""Erasure (GDPR Art. 17) and export (Art. 20) of everything held about one account.

Erasure removes the account's profiles (rows with their ESCO tags, and their index vectors;
the index file is saved again at once), the cached embeddings of their texts unless another
profile has the same text, the staff workflow's pairs and events that name the profiles,
their consents and tokens, and the account; it leaves an `erasures` row without personal
data. Finding shared texts reads every profile the matcher holds: erasures are rare, and a
cached vector must not outlive its text.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from matcher import Kind, Profile
from matcher.embedding_cache import text_key
from matcher.parts import profile_parts
from service import audit, consent, profile_store
from service.account_tables import AccountRow, TokenRow
from service.accounts import Account
from service.consent_tables import ConsentRow
from service.db import EmbeddingRow, transaction
from service.erasure_tables import ErasureRow
from service.network import Network
from service.workflow_tables import PairEventRow, PairRow


def owned_profiles(network: Network, account: Account) -> list[Profile]:
    with network.runtime.sessions() as session:
        ids = [
            (kind, pid)
            for kind in Kind
            for pid in profile_store.owned_ids(session, owner_id=account.id, kind=kind)
        ]
    return [network.get(kind=kind, profile_id=pid) for kind, pid in ids]


def export(network: Network, account: Account) -> dict[str, Any]:
    """Everything held about the account: itself, its consents, its profiles in full, and
    the workflow pairs that name them."""
    profiles = owned_profiles(network, account)
    ids = [p.id for p in profiles]
    with network.runtime.sessions() as session:
        history = consent.history(session, account_id=account.id)
        pairs = _pairs(session, ids)
        exported_pairs = [
            {
                "id": pair.id,
                "source_id": pair.source_id,
                "target_id": pair.target_id,
                "status": pair.status,
                "source_response": pair.source_response,
                "target_response": pair.target_response,
                "stage": pair.stage,
                "created_at": pair.created_at,
            }
            for pair in pairs
        ]
    return {
        "account": account.model_dump(mode="json"),
        "consents": history,
        "profiles": [p.model_dump(mode="json") for p in profiles],
        "pairs": exported_pairs,
    }


def erase(network: Network, account: Account) -> ErasureRow:
    """Remove the account and everything it owns; the record of the erasure."""
    profiles = owned_profiles(network, account)
    ids = {p.id for p in profiles}
    config = network.runtime.matcher.config
    keys = {text_key(text) for p in profiles for _, text in profile_parts(p, config)}
    for profile in profiles:
        network.delete(kind=profile.kind, profile_id=profile.id)
    with network.reading() as matcher:
        shared = {
            text_key(text)
            for other in matcher.profiles()
            for _, text in profile_parts(other, config)
        }
    unshared = sorted(keys - shared)
    with transaction(network.runtime.sessions) as session:
        pairs = _pairs(session, sorted(ids))
        pair_ids = [pair.id for pair in pairs]
        session.execute(delete(PairEventRow).where(PairEventRow.pair_id.in_(pair_ids)))
        session.execute(delete(PairRow).where(PairRow.id.in_(pair_ids)))
        session.execute(delete(EmbeddingRow).where(EmbeddingRow.text_hash.in_(unshared)))
        session.execute(delete(ConsentRow).where(ConsentRow.account_id == account.id))
        session.execute(delete(TokenRow).where(TokenRow.account_id == account.id))
        audit.forget_account(session, account_id=account.id)
        session.execute(delete(AccountRow).where(AccountRow.id == account.id))
        record = ErasureRow(
            role=account.role.value,
            profiles=len(ids),
            cached_vectors=len(unshared),
            pairs=len(pair_ids),
        )
        session.add(record)
    network.save_index()
    return record


def _pairs(session: Session, ids: list[str]) -> list[PairRow]:
    if not ids:
        return []
    query = select(PairRow).where(or_(PairRow.source_id.in_(ids), PairRow.target_id.in_(ids)))
    return list(session.scalars(query))
