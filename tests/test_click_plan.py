"""One click on Generate, planned and priced (studio.ui.plan, studio.ui.cost): the jobs it
sends, the figure the page shows for exactly those jobs, and when it asks first."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from studio.config import Settings
from studio.domain.catalog import endpoint
from studio.domain.forms import Form, ShotRow, split_seconds
from studio.domain.pricing import quote_request
from studio.errors import ValidationError
from studio.ui.cost import cost_html, problem_html, total_of
from studio.ui.plan import (
    confirm_token,
    form_problems,
    needs_confirmation,
    plan_click,
    price_plan,
    refuse_unconfirmed,
)

FORM = Form(prompt="wide shot, slow push-in: a harbour at dawn", duration=5)


def bundled(ep):
    return ep


def test_one_job_by_default():
    plan = plan_click(FORM)
    assert plan.count == 1 and plan.runs[0].label == "" and plan.runs[0].form == FORM


def test_tiers_prompts_and_takes_multiply_and_each_job_is_named():
    plan = plan_click(FORM, compare=["pro"], alt_prompt="close-up, handheld: the harbour at night", takes=2)
    assert plan.count == 8 and (plan.tiers, plan.prompts, plan.takes) == (2, 2, 2)
    labels = [r.label for r in plan.runs]
    assert labels[0] == "tier standard · prompt A · take 1 of 2" and labels[-1] == "tier pro · prompt B · take 2 of 2"
    assert len(set(labels)) == 8
    assert {r.form.tier for r in plan.runs} == {"standard", "pro"}
    assert {r.form.prompt for r in plan.runs if "prompt B" in r.label} == {"close-up, handheld: the harbour at night"}


def test_the_form_tier_repeated_in_the_ab_tiers_counts_once():
    assert plan_click(FORM, compare=["standard", "pro"]).count == 2


def test_over_eight_jobs_is_refused_naming_where_they_come_from():
    with pytest.raises(ValidationError) as err:
        plan_click(FORM, compare=["pro", "4k"], alt_prompt="b", takes=2)
    assert "12 paid jobs (3 tiers × 2 prompts × 2 takes)" in str(err.value)


def test_the_price_is_the_sum_of_the_quotes_the_runner_records():
    plan = plan_click(replace(FORM, audio=True, duration=7), compare=["4k"], takes=3)
    quotes = price_plan(plan, bundled)
    expected = 3 * (quote_request(*reversed(_request(replace(FORM, audio=True, duration=7)))).total
                    + quote_request(*reversed(_request(replace(FORM, audio=True, duration=7, tier="4k")))).total)
    assert total_of(quotes) == expected == Decimal("0.126") * 7 * 3 + Decimal("0.42") * 7 * 3


def _request(form):
    from studio.domain.forms import form_to_request

    return form_to_request(form)


def test_live_rates_are_the_ones_priced():
    doubled = lambda ep: ep.with_entry({**ep.entry, "base_price_usd": float(ep.rates.silent * 2)})  # noqa: E731
    quotes = price_plan(plan_click(FORM), doubled)
    assert total_of(quotes) == Decimal("0.84")


def test_the_box_itemises_identical_jobs_together_and_shows_the_count():
    plan = plan_click(replace(FORM, audio=True), compare=["pro"], takes=2)
    html = cost_html(plan, price_plan(plan, bundled))
    assert 'id="cost-figure"' in html and "$2.94" in html  # 2 × 5 × (0.126 + 0.168)
    assert "4 jobs" in html
    assert "Standard: 5 s × $0.084/s × 2 = $0.84" in html and "audio surcharge: 5 s × $0.042/s × 2 = $0.42" in html
    assert "Pro: 5 s × $0.112/s × 2 = $1.12" in html


def test_offline_the_box_says_would_cost_and_in_chinese_too():
    plan = plan_click(FORM)
    assert "Would cost" in cost_html(plan, price_plan(plan, bundled), live=False)
    zh = cost_html(plan_click(FORM, takes=2), price_plan(plan_click(FORM, takes=2), bundled), "zh", confirm=True)
    assert "2 个任务" in zh and "提交前会请你确认" in zh


def test_a_problem_shows_no_figure_and_escapes_its_words():
    from studio.errors import Problem

    html = problem_html([Problem("clip length", "16 s is not possible <b>")])
    assert "$" not in html and "—" in html and "&lt;b&gt;" in html and 'id="cost-problem"' in html


@pytest.mark.parametrize(
    ("total", "count", "asks"),
    [("4.99", 4, False), ("5.00", 1, True), ("0.42", 5, True), ("4.99", 5, True), ("0", 4, False)],
)
def test_big_clicks_ask_first(total, count, asks):
    assert needs_confirmation(Decimal(total), count, 5.0, 4) is asks


def test_a_confirmation_agrees_to_one_total_and_count():
    token = confirm_token(Decimal("50.4"), 8)
    assert token == "50.40 USD, 8 jobs"
    refuse_unconfirmed(token, Decimal("50.40"), 8)
    for total, count in ((Decimal("50.41"), 8), (Decimal("50.40"), 7)):
        with pytest.raises(ValidationError, match="confirm"):
            refuse_unconfirmed(token, total, count)


def test_the_threshold_is_a_setting():
    assert Settings.from_env({}).confirm_above_usd == 5.0
    assert Settings.from_env({"STUDIO_CONFIRM_ABOVE_USD": "20"}).confirm_above_usd == 20.0


def test_uploaded_images_count_as_given_and_a_missing_start_image_is_named():
    i2v = replace(FORM, mode="image-to-video")
    assert [p.field for p in form_problems(i2v, start_image=False, end_image=False)] == ["start image"]
    assert form_problems(i2v, start_image=True, end_image=False) == []
    on_standard = form_problems(i2v, start_image=True, end_image=True)
    assert on_standard and "Pro" in str(on_standard[0])  # Standard image-to-video takes no end frame
    assert form_problems(replace(i2v, tier="pro"), start_image=True, end_image=True) == []


def test_an_empty_prompt_and_a_bad_ab_prompt_are_reasons():
    assert [p.field for p in form_problems(replace(FORM, prompt=""), start_image=False, end_image=False)] == ["prompt"]
    problems = form_problems(FORM, start_image=False, end_image=False, alt_prompt="x" * 3000)
    assert [p.field for p in problems] == ["A/B prompt"]


def test_shared_seconds_add_up_to_the_clip():
    rows = (ShotRow("a", 2), ShotRow("b", 2), ShotRow("c", 2))
    assert [r.seconds for r in split_seconds(rows, 10)] == [4, 3, 3]
    assert split_seconds(rows, 6) == rows
    assert split_seconds(rows, 2) == rows  # cannot give each shot a second: left as it is
    assert [r.text for r in split_seconds(rows, 10)] == ["a", "b", "c"]
    assert endpoint("standard", "text-to-video").tier.key == "standard"


@pytest.mark.parametrize(("lang", "words"), [("en", "1 of 3 jobs were submitted"), ("zh", "已提交 3 个任务中的 1 个")])
def test_a_failure_after_the_first_job_is_reported_in_the_visitors_language_never_retried(lang, words):
    import warnings

    from studio.ui.click import ClickHandlers
    from studio.ui.lang import set_lang

    calls = []

    class Manager:
        def submit(self, form, owner_key, **extra):
            calls.append(form)
            if len(calls) > 1:
                raise ValidationError([])  # a refusal of the second job
            return "record"

    class Handlers(ClickHandlers):
        manager = Manager()
        live = False

    plan = plan_click(FORM, takes=3)
    extra = {"start_image": None, "end_image": None, "fit": "none", "api_key": None}
    set_lang(lang)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            submitted = Handlers()._submit_plan(plan, "alice-key", extra)
    finally:
        set_lang("en")
    assert [record for _, record in submitted] == ["record"] and len(calls) == 2  # the third was not sent
    [warning] = [str(w.message) for w in caught]
    assert warning.startswith(words)


@pytest.mark.parametrize("duration", [5, 16])
def test_a_price_from_before_the_session_answers_the_box_only(duration):
    """At load the form's own changes price it before the session opens; such an answer,
    arriving late, must not switch Generate off again or drop the session marker."""
    import gradio as gr

    from studio.ui.click import ClickHandlers

    class Manager:
        settings = Settings()

        def live_endpoint(self, ep, token):
            return ep

    class Handlers(ClickHandlers):
        manager = Manager()
        live = False

        def __init__(self) -> None:
            self.c = {"owner": "owner"}  # ClickHandlers.c is per instance (the component map)

        def _form(self, data):
            return replace(FORM, duration=duration), {"compare": [], "alt_prompt": "", "takes": 1, "api_key": None}

    before = Handlers().price({"owner": ""}, None)
    after = Handlers().price({"owner": "alice-key"}, None)
    assert before[0] == after[0] and ("$0.42" in before[0] if duration == 5 else "16 s" in before[0])
    assert isinstance(before[1], type(gr.skip())) and isinstance(before[2], type(gr.skip()))
    assert 'data-session="true"' in after[2]
    assert after[1]["interactive"] is (duration == 5)
