"""The handlers that turn a fan-out (``outbox.models.FanOut``) into emails.

The outbox knows no cohort: an app that writes a fan-out registers, in its
``AppConfig.ready``, the function that queues its emails, under the fan-out's name. The
function takes the fan-out's ids as keyword arguments and must be idempotent (its emails are
keyed, so a second run finds them queued already).
"""

from collections.abc import Callable

_handlers: dict[str, Callable[..., None]] = {}


def fan_out_name(handler: Callable[..., None]) -> str:
    """The name a handler is registered and written under: its module and function."""
    return f"{handler.__module__}.{handler.__name__}"


def register_fan_out(handler: Callable[..., None]) -> None:
    """Let fan-outs written for ``handler`` be run by the outbox's task."""
    _handlers[fan_out_name(handler)] = handler


def handler_for(name: str) -> Callable[..., None]:
    try:
        return _handlers[name]
    except KeyError:
        raise LookupError(f"No fan-out handler is registered as {name!r}.") from None
