"""Action, block and callback ids shared by views and listeners (CONVENTIONS §5)."""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    KPI_SHARE = "kpi_share"
    KPI_CHART = "kpi_chart"
    KPI_IMPROVE = "kpi_improve"  # issue 19: "Start an improvement"; value is an ImprovementStart (JSON)
    KPI_PICK = "kpi_pick"  # issue 18: a clarifying or correcting button; action_id "kpi_pick:<n>", value a reading
    # ideas and PDSA (issue 5)
    IDEA_UPVOTE = "idea_upvote"
    IDEA_STATUS = "idea_status"  # action_id is "idea_status:<state>"; value is the idea id
    IDEA_UPVOTE_INSTEAD = "idea_upvote_instead"
    IDEA_MERGE_INTO = "idea_merge_into"
    PDSA_POST_UPDATE = "pdsa_post_update"
    PDSA_SNOOZE = "pdsa_snooze"
    PDSA_CLOSE = "pdsa_close"
    HOME_NEW_IDEA = "home_new_idea"
    # alerts (issue 6): value is the incident id
    ALERT_ACK = "alert_ack"
    ALERT_SNOOZE = "alert_snooze"
    ALERT_ASSIGN = "alert_assign"
    ALERT_NOT_USEFUL = "alert_not_useful"
    ALERT_MARK_DONE = "alert_mark_done"
    # long lists (issue 13): action_id is "<id>:prev" / "<id>:next"; value is the page to show
    DIGEST_LIST_PAGE = "digest_list_page"


class Callback(StrEnum):
    # ideas and PDSA (issue 5)
    IDEA_SUBMIT = "idea_submit"
    IDEA_FROM_MESSAGE = "idea_from_message"  # message shortcut
    IDEA_STATUS_MODAL = "idea_status_modal"
    PDSA_START = "pdsa_start"
    PDSA_UPDATE = "pdsa_update"
    ALERT_SNOOZE_MODAL = "alert_snooze_modal"  # issue 6


class Command(StrEnum):
    KPI = "/kpi"
    IDEA = "/idea"
    PDSA = "/pdsa"
    DIGEST = "/digest"
    OPSBOT = "/opsbot"
