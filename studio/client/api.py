"""The RunComfy Model API as typed calls: submit, status, result, cancel, catalog, balance.

Paths and response shapes follow ``runcomfy-api.md``; transport, retries and error mapping
are :class:`studio.client.http.HttpClient`'s. A ``result_url`` from the submit answer is followed only
when it is on the configured API host, so a token can never be sent elsewhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Literal
from urllib.parse import quote, urlsplit

from studio.client.http import HttpClient
from studio.client.job_states import JobHandle, JobState, parse_state, valid_request_id
from studio.errors import ApiError, SubmitUnknown

__all__ = ["RunComfyApi", "CancelOutcome"]


@dataclass(frozen=True)
class CancelOutcome:
    """What a cancel achieved: ``cancelled`` (never runs, never charged) or ``not_cancellable``."""

    outcome: Literal["cancelled", "not_cancellable"]
    status: str | None = None

    @property
    def cancelled(self) -> bool:
        return self.outcome == "cancelled"


def _model_path(model_id: str) -> str:
    segments = [s for s in model_id.strip().strip("/").split("/") if s]
    if len(segments) < 2 or any(s in (".", "..") for s in segments):
        raise ApiError(f"{model_id!r} is not a valid model id", status_code=400)
    return "/".join(quote(s, safe="-_.") for s in segments)


class RunComfyApi:
    """Typed calls to the Model API; one instance per studio, sharing one HttpClient."""

    def __init__(self, http: HttpClient) -> None:
        self.http = http
        self.base = http.settings.api_base

    def _request_url(self, request_id: str, action: str) -> str:
        if not valid_request_id(request_id):
            raise ApiError(f"{request_id!r} is not a valid request id", status_code=400)
        return f"{self.base}/requests/{request_id}/{action}"

    def _same_host(self, url: Any) -> bool:
        if not isinstance(url, str):
            return False
        a, b = urlsplit(url), urlsplit(self.base)
        return (a.scheme, a.netloc) == (b.scheme, b.netloc)

    async def submit(self, model_id: str, body: Mapping[str, Any]) -> JobHandle:
        """POST the bare input object; the paid call. Never retried when its outcome is unknown."""
        answer = await self.http.call("POST", f"{self.base}/models/{_model_path(model_id)}", kind="submit", json=dict(body))
        request_id = answer.get("request_id") if isinstance(answer, Mapping) else None
        if not valid_request_id(request_id):
            raise SubmitUnknown("the answer had no usable request_id")
        result_url = answer.get("result_url")
        return JobHandle(
            request_id=str(request_id),
            model_id=model_id,
            result_url=result_url if self._same_host(result_url) else None,
        )

    async def status(self, request_id: str) -> JobState:
        """The job's state from /status (success there carries no output)."""
        return parse_state(await self.http.call("GET", self._request_url(request_id, "status"), kind="read"))

    async def result(self, request_id: str, result_url: str | None = None) -> JobState:
        """The job's state from /result, with output and cost when it has succeeded."""
        url = result_url if result_url and self._same_host(result_url) else self._request_url(request_id, "result")
        return parse_state(await self.http.call("GET", url, kind="read", params={"include_cost": "true"}))

    async def cancel(self, request_id: str) -> CancelOutcome:
        """Ask to cancel; only a queued job can be. Safe to repeat (it is a read-like call)."""
        answer = await self.http.call("POST", self._request_url(request_id, "cancel"), kind="read")
        outcome = answer.get("outcome") if isinstance(answer, Mapping) else None
        status = answer.get("status") if isinstance(answer, Mapping) else None
        if outcome == "cancelled" or (outcome is None and status in ("cancelled", "canceled")):
            return CancelOutcome("cancelled", status)
        return CancelOutcome("not_cancellable", status if isinstance(status, str) else None)

    async def model(self, model_id: str) -> Mapping[str, Any]:
        """The live catalog entry (schema and price) of one model."""
        answer = await self.http.call("GET", f"{self.base}/models/{_model_path(model_id)}", kind="read")
        if not isinstance(answer, Mapping):
            raise ApiError("the catalog entry is not a JSON object", status_code=200)
        return answer

    async def models(self, search: str | None = None, limit: int = 100) -> list[Mapping[str, Any]]:
        """One page of the catalog."""
        params = {"limit": str(limit)}
        if search:
            params["search"] = search
        answer = await self.http.call("GET", f"{self.base}/models", kind="read", params=params)
        models = answer.get("models") if isinstance(answer, Mapping) else None
        return [m for m in models if isinstance(m, Mapping)] if isinstance(models, list) else []

    async def balance(self) -> Decimal:
        """The account balance in USD."""
        answer = await self.http.call("GET", f"{self.http.settings.account_base}/balance", kind="read")
        value = answer.get("balance_usd") if isinstance(answer, Mapping) else None
        try:
            return Decimal(str(value))
        except InvalidOperation:
            raise ApiError("the balance answer had no balance_usd", status_code=200) from None
