"""Writes of the practice classroom, one module per concern; import from here.  Competitions:
``services/competitions.py`` (its own helper)."""

from .bodies import (  # noqa: F401
    campaign_create,
    campaign_delete,
    campaign_get_or_create,
    campaign_update,
    default_unit,
    team_create,
    team_delete,
    team_get_or_create,
    team_update,
)
from .evidence import evidence_add, evidence_delete  # noqa: F401
from .hours import claimed_days, practice_hours_recount, practice_hours_sync  # noqa: F401
from .places import (  # noqa: F401
    live,
    normalise,
    place_create,
    place_delete,
    place_find,
    place_get_or_create,
    place_merge,
    place_update,
)
from .records import (  # noqa: F401
    community_report_create,
    community_report_delete,
    community_report_update,
    is_party_member_on,
    party_member_refusal,
    secondment_create,
    secondment_delete,
    secondment_update,
    stint_create,
    stint_delete,
    stint_update,
    team_members_on,
    team_membership_create,
    team_membership_delete,
    team_membership_leave,
    team_membership_update,
    visit_create,
    visit_delete,
    visit_update,
)
