"""bot.render_text: Block Kit as terminal text (expected strings written by hand from Block Kit docs)."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    ImageBlock,
    MarkdownTextObject,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.blocks.basic_components import Option, PlainTextObject

from bot.render_text import clean_mrkdwn, render, render_reply


def test_clean_mrkdwn_drops_markers_and_resolves_links_and_mentions() -> None:
    assert clean_mrkdwn("*No-show rate* is _high_ ~today~") == "No-show rate is high today"
    assert clean_mrkdwn("see <https://x.org/a|the chart> or <https://y.org>") == "see the chart (https://x.org/a) or https://y.org"
    assert clean_mrkdwn("<@U123> in <#C9|clinic-ops> <!here>") == "@U123 in #clinic-ops @here"
    assert clean_mrkdwn("A &amp; B &lt;1&gt;") == "A & B <1>"
    assert clean_mrkdwn("2*3*4 and snake_case_name") == "2*3*4 and snake_case_name"


def test_typed_message_renders_each_block_kind() -> None:
    blocks = [
        HeaderBlock(text="No-show rate"),
        SectionBlock(text=MarkdownTextObject(text="*All clinics*: 20.2%"),
                     fields=[MarkdownTextObject(text="*No-shows*\n22,319"),
                             MarkdownTextObject(text="*Appointments*\n110,527")],
                     accessory=ButtonElement(text="Chart", action_id="kpi_chart")),
        DividerBlock(),
        ContextBlock(elements=[MarkdownTextObject(text="Source: _KaggleV2_"),
                               {"type": "image", "image_url": "https://x/i.png", "alt_text": "logo"}]),
        ActionsBlock(elements=[ButtonElement(text="Share", action_id="kpi_share"),
                               StaticSelectElement(placeholder="Clinic", action_id="c",
                                                   options=[Option(value="a", text="A")])]),
        ImageBlock(image_url="https://x/c.png", alt_text="p-chart of weekly no-show rate"),
    ]
    text = render([b.to_dict() for b in blocks])
    assert text.splitlines() == [
        "NO-SHOW RATE",
        "════════════",
        "All clinics: 20.2%",
        "  No-shows: 22,319",
        "  Appointments: 110,527",
        "  [ Chart ]",
        "─" * 40,
        "  Source: KaggleV2 · [image: logo]",
        "[ Share ]  [ Clinic ▾ ]",
        "[image: p-chart of weekly no-show rate]",
    ]


def test_modal_view_shows_title_inputs_and_buttons() -> None:
    view = {"type": "modal", "title": {"type": "plain_text", "text": "New idea"},
            "submit": {"type": "plain_text", "text": "Save"}, "close": {"type": "plain_text", "text": "Cancel"},
            "blocks": [{"type": "input", "label": {"type": "plain_text", "text": "Idea"},
                        "element": {"type": "plain_text_input", "action_id": "i",
                                    "placeholder": {"type": "plain_text", "text": "What would you change?"}}}]}
    assert render(view).splitlines() == ["┌ New idea ┐", "Idea: [ What would you change? ]", "[ Cancel ]  [ Save ]"]


def test_message_without_blocks_renders_its_text() -> None:
    assert render({"text": "*Done*, <@U1>", "response_type": "ephemeral"}) == "Done, @U1"


def test_rich_text_block_is_flattened() -> None:
    block = {"type": "rich_text", "elements": [{"type": "rich_text_section", "elements": [
        {"type": "text", "text": "Hi "}, {"type": "user", "user_id": "U111"}]}]}
    assert render([block]) == "Hi @U111"


def test_render_reply_for_file_uploads_and_views() -> None:
    upload = {"via": "files.completeUploadExternal", "files": [{"id": "F1", "title": "No-show p-chart"}],
              "initial_comment": "*Chart*"}
    assert render_reply(upload) == "Chart\n[file: No-show p-chart]"
    opened = {"via": "views.open", "view": {"type": "modal", "title": PlainTextObject(text="PDSA").to_dict(),
                                            "blocks": [DividerBlock().to_dict()]}}
    assert render_reply(opened).splitlines() == ["┌ PDSA ┐", "─" * 40]
