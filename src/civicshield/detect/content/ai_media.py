"""AI-generated media, from C2PA Content Credentials.

A post whose media carries a C2PA manifest with an AI digitalSourceType
(see ``civicshield.media``) is AI media.  Without the creator's
``ai_label`` it is ``unlabelled_ai`` and gets the label automatically.  If
it shows or names a candidate or official (caption, hashtags or the
manifest's title name one) it is also ``misleading_ai`` and goes to review,
labelled or not: a label does not make a fake candidate video acceptable.

The manifest's validation state goes into the evidence.  An ``Invalid``
manifest (hashes that no longer match, a missing ingredient) still records
what its author declared, so it counts, with a lower score.
"""

from __future__ import annotations

from pathlib import Path

from civicshield.detect.base import Detector, Finding, Param
from civicshield.detect.content._political import PoliticalMatcher
from civicshield.errors import DataError
from civicshield.media import read_credentials

NAME = "ai_media"

PARAMS = (
    Param("media_dir", str, "", "Folder that posts.media_path is relative to; empty: the ingested dataset's "
          "media/, else <workspace>/media."),
    Param("invalid_score", float, 0.6, "Score of a finding whose manifest does not validate (valid: 1.0).",
          low=0.0, high=1.0),
)

DATASET_META = "dataset"  # event-store meta key: the dataset folder ingest loaded


def media_root(ctx, override: str) -> Path:
    """``media_dir`` if given, else the ingested dataset's ``media/``, else
    ``<workspace>/media`` (stores built from rows have no dataset)."""
    if override:
        return Path(override)
    dataset = ctx.store.meta(DATASET_META)
    if dataset and (Path(dataset) / "media").is_dir():
        return Path(dataset) / "media"
    return Path(ctx.store.path).parent / "media"


def run(ctx, params):
    tbl = ctx.query(
        "SELECT post_id, account_id, created_at, text, hashtags, coalesce(ai_label, FALSE) AS ai_label, media_path "
        "FROM posts WHERE media_path IS NOT NULL AND media_path <> '' ORDER BY post_id"
    )
    if tbl.num_rows == 0:
        return
    cols = {n: tbl.column(n).to_pylist() for n in tbl.column_names}
    root = media_root(ctx, params["media_dir"])
    if not root.is_dir():
        raise DataError(str(root), None, None, f"media folder not found, but {tbl.num_rows} posts have a media_path")
    matcher = PoliticalMatcher(ctx.election)
    seen: dict[str, object] = {}
    for i, pid in enumerate(cols["post_id"]):
        rel = cols["media_path"][i]
        path = (root / rel).resolve()
        if root.resolve() not in path.parents:
            raise DataError("posts", None, "media_path", f"post {pid}: {rel!r} points outside the media folder")
        if rel not in seen:
            if not path.is_file():
                raise DataError("posts", None, "media_path", f"post {pid}: media file {rel!r} not found in {root}")
            seen[rel] = read_credentials(path)
        cred = seen[rel]
        if not cred.is_ai:
            continue
        names = matcher.assess_text(" ".join(x for x in (cols["text"][i], cred.title) if x), cols["hashtags"][i])
        people = names.candidate_refs + tuple(t.ref for t in names.terms if t.kind == "party")
        labelled = bool(cols["ai_label"][i])
        base = {**cred.evidence(), "media_path": rel, "account_id": cols["account_id"][i],
                "ai_label": labelled, "ai_source_types": list(cred.ai_source_types)}
        kinds = []
        if not labelled:
            kinds.append(("unlabelled_ai", {"action": "apply AI-generated label"}))
        if people:
            kinds.append(("misleading_ai", {"action": "review", "names": sorted(set(people)),
                                            "matched_terms": names.evidence()}))
        for kind, extra in kinds:
            yield Finding(
                kind=kind,
                detector=NAME,
                score=1.0 if cred.valid else params["invalid_score"],
                post_ids=(pid,),
                first_seen=cols["created_at"][i],
                last_seen=cols["created_at"][i],
                evidence={**base, **extra},
            )


DETECTOR = Detector(
    name=NAME,
    summary="AI media from C2PA Content Credentials: auto-label when unlabelled, review when it names a candidate.",
    kinds=("unlabelled_ai", "misleading_ai"),
    requires=("posts",),
    params=PARAMS,
    run=run,
    limits="Only media with C2PA credentials is recognised (stripped metadata hides AI media); 'shows a candidate' "
    "is read from caption, hashtags and manifest title, not from the pixels.",
)
