"""The subscribers' personal links (« Gérer mon abonnement », unsubscribe): their random token,
signed with the service's secret, the same in the service and in ``newsletter send``."""

from __future__ import annotations

from itsdangerous import BadSignature, Signer

SUBSCRIBER_SALT = "clairvoie-abonnements-abonne"


def sign(secret: str, token: str) -> str:
    return Signer(secret, salt=SUBSCRIBER_SALT).sign(token).decode("ascii")


def unsign(secret: str, signed: str) -> str | None:
    """The random token, or None for a link this service did not make (forged, cut)."""
    try:
        return Signer(secret, salt=SUBSCRIBER_SALT).unsign(signed).decode("ascii")
    except (BadSignature, UnicodeError):
        return None
