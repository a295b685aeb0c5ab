"""The data contract (``shared/contract/DATASET.md``) declared once.

Ingest validates against these declarations, the event store creates its
tables from them, the simulator writes rows that satisfy them and the docs
tests check that every column is documented.  Nothing else may restate a
column list.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Column kinds and the DuckDB type each becomes in the event store.  Spark
# reads the same Parquet, so these types must stay within what both engines
# share (no DuckDB-only types such as MAP or UNION).
DUCKDB_TYPES = {
    "str": "VARCHAR",
    "int": "BIGINT",
    "float": "DOUBLE",
    "bool": "BOOLEAN",
    "timestamp": "TIMESTAMP",  # naive, always UTC
    "list": "VARCHAR[]",
    "enum": "VARCHAR",
}


@dataclass(frozen=True)
class Column:
    name: str
    kind: str = "str"
    required: bool = False
    enum: tuple[str, ...] = ()
    default: str | None = None
    note: str = ""

    @property
    def duckdb_type(self) -> str:
        return DUCKDB_TYPES[self.kind]


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = ()
    doc: str = ""
    order_by: tuple[str, ...] = field(default=("created_at",))

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)


def _c(name: str, kind: str = "str", **kw) -> Column:
    return Column(name, kind, **kw)


ACCOUNT_TYPES = ("personal", "creator", "business", "politician", "party", "government", "state_media")
GPPPA_TYPES = ("politician", "party", "government")
ACTIONS = ("like", "follow", "share", "favorite")

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "accounts",
            (
                _c("account_id", required=True),
                _c("handle", required=True, note="the @username"),
                _c("display_name"),
                _c("bio"),
                _c("created_at", "timestamp", required=True),
                _c("registration_country", note="ISO 3166-1 alpha-2"),
                _c("language", note="app language, ISO 639-1"),
                _c("verified", "bool"),
                _c("account_type", "enum", enum=ACCOUNT_TYPES, default="personal"),
                _c("follower_count", "int"),
                _c("following_count", "int"),
                _c("avatar_hash", note="PDQ hash of the profile picture, 64 hex chars"),
                _c("status", "enum", enum=("active", "banned", "deleted"), default="active"),
                _c("banned_at", "timestamp"),
                _c("ban_reason"),
            ),
            primary_key=("account_id",),
            doc="one row per account",
        ),
        Table(
            "posts",
            (
                _c("post_id", required=True),
                _c("account_id", required=True),
                _c("created_at", "timestamp", required=True),
                _c("text", note="caption / description"),
                _c("hashtags", "list", note="lower-cased, without #"),
                _c("urls", "list"),
                _c("mentions", "list"),
                _c("audio_id", note="the sound used"),
                _c("language"),
                _c("country", note="where it was posted from"),
                _c("view_count", "int"),
                _c("like_count", "int"),
                _c("share_count", "int"),
                _c("comment_count", "int"),
                _c("is_ad", "bool", note="paid advertising"),
                _c("branded_content", "bool", note="creator disclosed a paid partnership"),
                _c("ai_label", "bool", note="creator labelled it AI-generated"),
                _c("media_path", note="relative to media/"),
                _c("status", "enum", enum=("active", "removed"), default="active"),
            ),
            primary_key=("post_id",),
            doc="videos / posts",
        ),
        Table(
            "comments",
            (
                _c("comment_id", required=True),
                _c("post_id", required=True),
                # research APIs (TikTok's) do not name a comment's author
                _c("account_id"),
                _c("created_at", "timestamp", required=True),
                _c("text"),
            ),
            primary_key=("comment_id",),
        ),
        Table(
            "engagements",
            (
                _c("actor_id", required=True),
                _c("action", "enum", required=True, enum=ACTIONS),
                _c("target_id", required=True, note="a post_id, or an account_id for follow"),
                _c("created_at", "timestamp", required=True),
                _c("device_id"),
                _c("ip_prefix"),
                _c("country"),
            ),
            doc="likes, follows, shares: one row per action",
        ),
        Table(
            "logins",
            (
                _c("account_id", required=True),
                _c("created_at", "timestamp", required=True),
                _c("device_id"),
                _c("ip_prefix"),
                _c("country"),
                _c("asn"),
            ),
        ),
        Table(
            "signups",
            (
                _c("attempt_id", required=True),
                _c("created_at", "timestamp", required=True),
                _c("device_id"),
                _c("ip_prefix"),
                _c("country"),
                _c("email_domain"),
                _c("phone_country"),
                _c("user_agent"),
                _c("account_id", note="empty when the attempt did not create an account"),
            ),
            primary_key=("attempt_id",),
        ),
        Table(
            "impressions",
            (
                _c("viewer_id", required=True),
                _c("post_id", required=True),
                _c("created_at", "timestamp", required=True),
                _c("surface", "enum", enum=("for_you", "following", "search", "profile")),
                _c("viewer_country"),
            ),
        ),
        Table(
            "external_messages",
            (
                _c("source", required=True, note="telegram, whatsapp, web, ..."),
                _c("channel"),
                _c("message_id", required=True),
                _c("created_at", "timestamp", required=True),
                _c("text"),
                _c("hashtags", "list"),
                _c("urls", "list"),
            ),
            primary_key=("source", "message_id"),
        ),
        Table(
            "reports",
            (
                _c("report_id", required=True),
                _c("reporter_id"),
                _c("reporter_kind", "enum", enum=("user", "trusted_flagger", "authority")),
                _c("target_kind", "enum", enum=("post", "account", "comment")),
                _c("target_id", required=True),
                _c("reason"),
                _c("created_at", "timestamp", required=True),
            ),
            primary_key=("report_id",),
        ),
        Table(
            "payments",
            (
                _c("payer", note="free text: an off-platform identity"),
                _c("payee_account_id", required=True),
                _c("amount", "float"),
                _c("currency"),
                _c("paid_at", "timestamp"),
                _c("reference"),
            ),
            order_by=("paid_at",),
        ),
    )
}

REQUIRED_TABLES = ("accounts",)
FILE_EXTENSIONS = ("parquet", "csv", "jsonl")

# Finding kinds: (entities it applies to, meaning).  Shared by detectors,
# the findings export and the ground truth of synthetic scenarios.
FINDING_KINDS: dict[str, tuple[tuple[str, ...], str]] = {
    "coordinated_network": (("account",), "part of a covert network that posts in coordination"),
    "fake_engagement": (("account", "engagement"), "likes / follows / shares from a farm, or the farm account itself"),
    "sleeper_activation": (("account",), "long-dormant account switched on shortly before the vote"),
    "batch_created": (("account",), "one of many accounts created together by one operator"),
    "impersonation": (("account",), "poses as a candidate, party or official"),
    "undisclosed_paid_promotion": (("account", "post"), "paid political promotion without branded-content disclosure"),
    "offplatform_recruitment": (("account",), "acts on instructions posted in an off-platform channel"),
    "recidivism": (("account",), "returns a removed network or banned account"),
    "spam_signup": (("account",), "creation attempt that should have been blocked"),
    "unlabelled_ai": (("post",), "AI-generated media (C2PA) without the AI label"),
    "misleading_ai": (("post",), "AI-generated media showing a candidate or official"),
    "political_ad": (("post",), "political content in paid ads, or ads by GPPPA accounts"),
    "election_content": (("post",), "about the election: gets the election-information label"),
    "state_media_foreign": (("post",), "state-affiliated media targeting a foreign audience"),
    "election_misinformation": (("post",), "repeats a claim about the election that fact-checkers rated false or misleading"),
}


def engagement_key(actor_id: str, action: str, target_id: str) -> str:
    """The contract's id for one engagement: ``actor|action|target``."""
    return f"{actor_id}|{action}|{target_id}"
