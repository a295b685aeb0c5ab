"""The DSA Transparency Database statement-of-reasons fields and enums.

Values as accepted by the database's API (``POST /api/v1/statement(s)``),
taxonomy v2 (2025), from the public ``digital-services-act/transparency-
database`` repository: ``StatementsStoreRequest`` rules and the full CSV
export's column order.  Only enums are declared here; ``sor.py`` builds and
validates statements against them.
"""

from __future__ import annotations

DECISION_VISIBILITY = (
    "DECISION_VISIBILITY_CONTENT_REMOVED",
    "DECISION_VISIBILITY_CONTENT_DISABLED",
    "DECISION_VISIBILITY_CONTENT_DEMOTED",
    "DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED",
    "DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED",
    "DECISION_VISIBILITY_CONTENT_LABELLED",
    "DECISION_VISIBILITY_OTHER",
)
DECISION_MONETARY = ("DECISION_MONETARY_SUSPENSION", "DECISION_MONETARY_TERMINATION", "DECISION_MONETARY_OTHER")
DECISION_PROVISION = (
    "DECISION_PROVISION_PARTIAL_SUSPENSION",
    "DECISION_PROVISION_TOTAL_SUSPENSION",
    "DECISION_PROVISION_PARTIAL_TERMINATION",
    "DECISION_PROVISION_TOTAL_TERMINATION",
)
DECISION_ACCOUNT = ("DECISION_ACCOUNT_SUSPENDED", "DECISION_ACCOUNT_TERMINATED")
ACCOUNT_TYPE = ("ACCOUNT_TYPE_BUSINESS", "ACCOUNT_TYPE_PRIVATE")
DECISION_GROUND = ("DECISION_GROUND_ILLEGAL_CONTENT", "DECISION_GROUND_INCOMPATIBLE_CONTENT")
CONTENT_TYPE = (
    "CONTENT_TYPE_APP",
    "CONTENT_TYPE_AUDIO",
    "CONTENT_TYPE_IMAGE",
    "CONTENT_TYPE_PRODUCT",
    "CONTENT_TYPE_SYNTHETIC_MEDIA",
    "CONTENT_TYPE_TEXT",
    "CONTENT_TYPE_VIDEO",
    "CONTENT_TYPE_OTHER",
)
SOURCE_TYPE = ("SOURCE_ARTICLE_16", "SOURCE_TRUSTED_FLAGGER", "SOURCE_TYPE_OTHER_NOTIFICATION", "SOURCE_VOLUNTARY")
AUTOMATED_DETECTION = ("Yes", "No")
AUTOMATED_DECISION = ("AUTOMATED_DECISION_FULLY", "AUTOMATED_DECISION_PARTIALLY", "AUTOMATED_DECISION_NOT_AUTOMATED")
YES_NO = ("Yes", "No")

CATEGORY_ELECTIONS = "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS"
CATEGORY_CONSUMER = "STATEMENT_CATEGORY_CONSUMER_INFORMATION"
CATEGORIES = (
    "STATEMENT_CATEGORY_ANIMAL_WELFARE",
    CATEGORY_CONSUMER,
    "STATEMENT_CATEGORY_CYBER_VIOLENCE",
    "STATEMENT_CATEGORY_CYBER_VIOLENCE_AGAINST_WOMEN",
    "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS",
    "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
    "STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS",
    CATEGORY_ELECTIONS,
    "STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE",
    "STATEMENT_CATEGORY_PROTECTION_OF_MINORS",
    "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY",
    "STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
    "STATEMENT_CATEGORY_SELF_HARM",
    "STATEMENT_CATEGORY_OTHER_VIOLATION_TC",
    "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS",
    "STATEMENT_CATEGORY_VIOLENCE",
)

# The keywords this system emits, and the category each belongs to in the
# v2 taxonomy.  A keyword must sit under the statement's category or one of
# its additional categories.
KEYWORD_CATEGORY = {
    "KEYWORD_COORDINATED_HARM": CATEGORY_ELECTIONS,
    "KEYWORD_INAUTHENTIC_ACCOUNTS": CATEGORY_ELECTIONS,
    "KEYWORD_IMPERSONATION_ACCOUNT_HIJACKING": CATEGORY_ELECTIONS,
    "KEYWORD_MISINFORMATION_DISINFORMATION": CATEGORY_ELECTIONS,
    "KEYWORD_VIOLATION_EU_LAW": "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
    "KEYWORD_VIOLATION_NATIONAL_LAW": "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
    "KEYWORD_HIDDEN_ADVERTISEMENT": CATEGORY_CONSUMER,
}

# EU member states plus Iceland, Liechtenstein and Norway (EEA).
TERRITORIAL_SCOPE = (
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IS", "IT", "LI",
    "LT", "LU", "LV", "MT", "NL", "NO", "PL", "PT", "RO", "SE", "SI", "SK",
)

# Columns of the database's full CSV export, in its order.  ``uuid`` and
# ``created_at`` are assigned by the database; we fill ``created_at`` with our
# own creation time and leave ``uuid`` empty.
CSV_COLUMNS = (
    "uuid",
    "decision_visibility", "decision_visibility_other", "end_date_visibility_restriction",
    "decision_monetary", "decision_monetary_other", "end_date_monetary_restriction",
    "decision_provision", "end_date_service_restriction",
    "decision_account", "end_date_account_restriction",
    "account_type",
    "decision_ground", "decision_ground_reference_url",
    "illegal_content_legal_ground", "illegal_content_explanation",
    "incompatible_content_ground", "incompatible_content_explanation", "incompatible_content_illegal",
    "category", "category_addition", "category_specification", "category_specification_other",
    "content_type", "content_type_other", "content_language", "content_date", "content_id_ean",
    "territorial_scope",
    "application_date",
    "decision_facts",
    "source_type", "source_identity",
    "automated_detection", "automated_decision",
    "platform_name", "platform_uid", "created_at",
)

# Fields a statement submitted through the API may carry.
API_FIELDS = frozenset(
    {c for c in CSV_COLUMNS if c not in ("uuid", "platform_name", "platform_uid", "created_at")} | {"puid"}
)

MAX_PER_BATCH = 100
