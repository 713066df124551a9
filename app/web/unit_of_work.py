"""One unit of work for every page that changes data: call the service, then commit or roll back.

Services flush; the view commits once (STYLE.md, rule 3). Every form view used to repeat
try / call / commit / flash / redirect, and on a refused change rollback / put the message on
the field it names / show the form again. `run_change` is that sequence, written once.

What a refusal becomes is the caller's choice:
- with `form`: the message goes on the field the error names (or to `Change.problem` for the
  page's summary when no field fits), and the caller shows the form again;
- with `flash_to`: the message is flashed and the user sent to that address;
- with neither: the error propagates to the app's error handler (app/web/errors.py), which
  answers with its HTTP status, as an unguarded service call would.
With `on_stale`, a stale version (someone saved first) is answered by that callback (the 409
conflict form of app/web/conflicts.py, which rolls back itself) instead.
A PermissionDenied always propagates (403 from the error handler): it is about who asks, not
about what they typed. Anything that is not a service error (a bug) is never caught here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from flask import flash, redirect
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.wrappers import Response

from app.core.errors import EntenteError, PermissionDenied, StaleVersion
from app.extensions import db
from app.web.conflicts import CONFLICT_STATUS, Conflict
from app.web.forms import apply_error

T = TypeVar("T")


@dataclass
class Change(Generic[T]):
    """What an attempted change came to: kept (`response` is where to go next, if the caller
    gave one), refused (`error`, `problem`), refused as stale (`conflict`), or not kept
    because `keep` said so (`result` without `response`)."""

    result: T | None = None
    response: Response | None = None
    problem: str = ""
    error: EntenteError | None = None
    conflict: Conflict = field(default_factory=Conflict)

    @property
    def failed(self) -> bool:
        return self.error is not None or bool(self.conflict)

    @property
    def next_page(self) -> Response:
        """The redirect after the change, for a call that gave `to` and lets refusals
        propagate (so that getting here means it was kept)."""
        if self.response is None:
            raise RuntimeError("run_change was given no `to`, or the change was not kept")
        return self.response

    @property
    def status(self) -> int:
        """409 for a conflict, the error's status for a refusal, else 200."""
        if self.conflict:
            return CONFLICT_STATUS
        return self.error.http_status if self.error is not None else 200


def run_change(
    action: Callable[[], T],
    *,
    success: str | Callable[[T], str] | None = None,
    to: str | Callable[[T], str] | None = None,
    form: FlaskForm | None = None,
    aliases: Mapping[str, str] | None = None,
    flash_to: str | None = None,
    on_stale: Callable[[], Conflict] | None = None,
    keep: Callable[[T], bool] | None = None,
) -> Change[T]:
    """Run `action` (the service call) as the request's unit of work.

    Kept: commit, flash `success`, and redirect to `to` (each a text or a function of the
    result). `keep` returning False rolls the change back without an error (e.g. warnings
    the user has not accepted yet)."""
    try:
        result = action()
    except (StaleVersion, StaleDataError) as error:
        if on_stale is not None:
            stale = on_stale()
            return Change(problem=stale.message, conflict=stale)
        if not isinstance(error, StaleVersion):
            raise
        db.session.rollback()
        return _refused(error, form, aliases or {}, flash_to)
    except PermissionDenied:
        db.session.rollback()
        raise  # who is asking, not what they typed: the error handler's 403, never a form error
    except EntenteError as error:
        db.session.rollback()
        return _refused(error, form, aliases or {}, flash_to)
    if keep is not None and not keep(result):
        db.session.rollback()
        return Change(result=result)
    db.session.commit()
    if success is not None:
        flash(_text(success, result), "success")
    response = redirect(_text(to, result)) if to is not None else None
    return Change(result=result, response=response)


def _refused(
    error: EntenteError, form: FlaskForm | None, aliases: Mapping[str, str], flash_to: str | None
) -> Change[T]:
    if flash_to is not None:
        flash(error.message, "error")
        return Change(response=redirect(flash_to), problem=error.message, error=error)
    if form is None:
        raise error
    return Change(problem=apply_error(form, error, aliases), error=error)


def _text(value: str | Callable[[T], str], result: T) -> str:
    return value(result) if callable(value) else value


def form_page(
    form: FlaskForm,
    action: Callable[[], T],
    *,
    render: Callable[[str], ResponseReturnValue],
    success: str | Callable[[T], str],
    to: str,
    aliases: Mapping[str, str] | None = None,
) -> ResponseReturnValue:
    """A whole form page that makes one change: shown (GET), or submitted and valid, then
    `run_change`: kept, the redirect to `to`; refused, `render(problem)` with the messages on
    the fields. `render` gets the summary message ("" when every message found its field)."""
    problem = ""
    if form.validate_on_submit():
        change = run_change(action, success=success, to=to, form=form, aliases=aliases)
        if change.response is not None:
            return change.response
        problem = change.problem
    return render(problem)
