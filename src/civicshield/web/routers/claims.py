"""Fact-checking partners' API: the claim queue and verdicts (role factchecker,
with an API token); analysts and leads queue claims and run matching."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from civicshield.cases import claims
from civicshield.cases.errors import InvalidOperation
from civicshield.cases.roles import Actor
from civicshield.web import deps

pages = APIRouter(include_in_schema=False)  # API only: partners integrate with tokens
api = APIRouter(tags=["claims"])


class VerdictBody(BaseModel):
    verdict: str = Field(description="false, misleading, missing_context, unverifiable or true")
    source_url: str = Field(description="the partner's published fact-check (http or https)")
    translations: dict[str, str] | None = Field(None, description="the claim in other languages: {iso639-1: text}")
    voting_process: bool | None = Field(None, description="is the claim about how, when or where to vote; "
                                        "omitted: decided by the claim-pattern classifier")


def _workspace(request: Request):
    ws = request.app.state.workspace
    if ws is None:
        raise InvalidOperation("this server has no workspace: the event store's posts are needed for matching")
    return ws


@api.get("/claims")
def list_claims(request: Request, status: str | None = "pending", limit: int = 200,
                actor: Actor = Depends(deps.api_actor)) -> list[dict]:
    return [c.to_dict() for c in claims.list_claims(deps.store(request), actor, status or None, limit)]


@api.get("/claims/{claim_id}")
def get_claim(request: Request, claim_id: int, actor: Actor = Depends(deps.api_actor)) -> dict:
    return claims.get_claim(deps.store(request), actor, claim_id).to_dict()


@api.post("/claims/{claim_id}/verdict")
def verdict(request: Request, claim_id: int, body: VerdictBody, actor: Actor = Depends(deps.api_actor)) -> dict:
    out = claims.give_verdict(deps.store(request), request.app.state.workspace, actor, claim_id, body.verdict,
                              body.source_url, body.translations, body.voting_process)
    return asdict(out)


@api.post("/claims/intake")
def intake(request: Request, actor: Actor = Depends(deps.api_actor)) -> dict:
    return claims.intake_claims(deps.store(request), _workspace(request), actor)


@api.post("/claims/match")
def match(request: Request, actor: Actor = Depends(deps.api_actor)) -> dict:
    return asdict(claims.match_claims(deps.store(request), _workspace(request), actor))
